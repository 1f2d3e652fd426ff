extension ResourceFigures {
    /// Computes the server figures of one cell from its sample series and measurement window.
    ///
    /// - `cpuPercent`: tree CPU seconds between the window's start and end, divided by the
    ///   window length, × 100 (% of one core). The CPU reading at each boundary is linearly
    ///   interpolated between the samples around it, and clamped to the first or last sample
    ///   outside the series. 0 without a window, with an empty window, or with < 2 samples.
    /// - `rssPeakBytes`, `threadsPeak`: the largest reading of any sample (the whole cell).
    /// - `rssSustainedBytes`: the median RSS of the samples with `timeMs` inside
    ///   [start, end]; for an even count, the lower of the middle two (a value that was
    ///   actually observed, never a made-up average). With no sample inside, the sample
    ///   nearest to the window; without a window, 0 (the cell never reached it).
    ///
    /// Samples may arrive in any order; they are sorted by time first.
    public init(samples: [ResourceSample], window: MeasurementWindow?) {
        let series = samples.sorted { $0.timeMs < $1.timeMs }
        let rssPeak = series.lazy.map(\.rssBytes).max() ?? 0
        let threadsPeak = series.lazy.map(\.threads).max() ?? 0
        guard let window, !series.isEmpty else {
            self.init(cpuPercent: 0, rssPeakBytes: rssPeak, rssSustainedBytes: 0, threadsPeak: threadsPeak)
            return
        }
        self.init(cpuPercent: Self.cpuPercent(series, window),
                  rssPeakBytes: rssPeak,
                  rssSustainedBytes: Self.sustainedRSS(series, window),
                  threadsPeak: threadsPeak)
    }

    /// CPU % of one core over `window`; `series` is sorted by time and not empty.
    private static func cpuPercent(_ series: [ResourceSample], _ window: MeasurementWindow) -> Double {
        guard series.count >= 2, window.seconds > 0 else { return 0 }
        let cpu = monotoneCPU(series)
        let used = cpuSeconds(at: window.endMs, series, cpu) - cpuSeconds(at: window.startMs, series, cpu)
        return Swift.max(0, used) / window.seconds * 100
    }

    /// The tree's cumulative CPU with drops removed.
    ///
    /// When a child process exits, its CPU time leaves the sampled tree and the raw counter
    /// falls. The work it did was still done: a drop is counted as no progress for that
    /// interval, and later increments keep counting, so CPU is never negative and one
    /// exiting child does not wipe out the rest of the window.
    private static func monotoneCPU(_ series: [ResourceSample]) -> [Double] {
        var cumulative = [series[0].cpuSeconds]
        cumulative.reserveCapacity(series.count)
        for index in series.indices.dropFirst() {
            let step = series[index].cpuSeconds - series[index - 1].cpuSeconds
            cumulative.append(cumulative[index - 1] + Swift.max(0, step))
        }
        return cumulative
    }

    /// `cpu` read at time `timeMs`, interpolated between the samples around it.
    private static func cpuSeconds(at timeMs: UInt64, _ series: [ResourceSample], _ cpu: [Double]) -> Double {
        guard let after = series.firstIndex(where: { $0.timeMs > timeMs }) else { return cpu[cpu.count - 1] }
        guard after > 0 else { return cpu[0] }
        let before = after - 1
        // `after` is the first sample later than `timeMs`, so the span is never zero.
        let span = Double(series[after].timeMs - series[before].timeMs)
        let fraction = Double(timeMs - series[before].timeMs) / span
        return cpu[before] + (cpu[after] - cpu[before]) * fraction
    }

    /// Median RSS inside `window`, else the RSS of the sample nearest to it.
    private static func sustainedRSS(_ series: [ResourceSample], _ window: MeasurementWindow) -> UInt64 {
        let inside = series
            .filter { $0.timeMs >= window.startMs && $0.timeMs <= window.endMs }
            .map(\.rssBytes)
            .sorted()
        if !inside.isEmpty { return inside[(inside.count - 1) / 2] }
        func distance(_ sample: ResourceSample) -> UInt64 {
            sample.timeMs < window.startMs ? window.startMs - sample.timeMs : sample.timeMs - window.endMs
        }
        // `min(by:)` keeps the first of equals: on a tie the earlier sample wins.
        return series.min { distance($0) < distance($1) }?.rssBytes ?? 0
    }
}
