/// A server's samples sorted by time, with the tree's CPU made monotone, so CPU and RSS can
/// be read at any instant: what the cell's figures and its per-second time series share.
public struct ResourceSeries: Sendable {
    /// The samples in time order.
    public let samples: [ResourceSample]
    /// Cumulative CPU seconds at each sample, drops removed (see `init`).
    private let cpu: [Double]

    /// Sorts `samples` by time and removes drops from their CPU counter.
    ///
    /// When a child process exits, its CPU time leaves the sampled tree and the raw counter
    /// falls. The work it did was still done: a drop is counted as no progress for that
    /// interval, and later increments keep counting, so CPU is never negative and one
    /// exiting child does not wipe out the rest of the window.
    public init(_ samples: [ResourceSample]) {
        let series = samples.sorted { $0.timeMs < $1.timeMs }
        var cumulative: [Double] = []
        cumulative.reserveCapacity(series.count)
        for index in series.indices {
            guard index > 0 else {
                cumulative.append(series[0].cpuSeconds)
                continue
            }
            let step = series[index].cpuSeconds - series[index - 1].cpuSeconds
            cumulative.append(cumulative[index - 1] + Swift.max(0, step))
        }
        self.samples = series
        cpu = cumulative
    }

    /// CPU seconds the tree used from `startMs` to `endMs`, at least 0; nil with fewer than
    /// two samples (one reading says nothing about a rate).
    ///
    /// The reading at each boundary is interpolated linearly between the samples around it,
    /// and clamped to the first or last sample outside the series.
    public func cpuSeconds(from startMs: UInt64, to endMs: UInt64) -> Double? {
        guard samples.count >= 2 else { return nil }
        return Swift.max(0, cpuSeconds(at: endMs) - cpuSeconds(at: startMs))
    }

    /// The cumulative CPU at `timeMs`; `samples` is not empty.
    private func cpuSeconds(at timeMs: UInt64) -> Double {
        guard let after = samples.firstIndex(where: { $0.timeMs > timeMs }) else { return cpu[cpu.count - 1] }
        guard after > 0 else { return cpu[0] }
        let before = after - 1
        // `after` is the first sample later than `timeMs`, so the span is never zero.
        let span = Double(samples[after].timeMs - samples[before].timeMs)
        let fraction = Double(timeMs - samples[before].timeMs) / span
        return cpu[before] + (cpu[after] - cpu[before]) * fraction
    }

    /// RSS of the last sample taken at or before `timeMs`, else of the first one; nil without samples.
    public func rssBytes(at timeMs: UInt64) -> UInt64? {
        samples.last(where: { $0.timeMs <= timeMs })?.rssBytes ?? samples.first?.rssBytes
    }
}
