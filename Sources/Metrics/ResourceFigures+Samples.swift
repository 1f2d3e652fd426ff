extension ResourceFigures {
    /// Computes the server figures of one cell from its sample series and measurement window.
    ///
    /// - `cpuPercent`: tree CPU seconds between the window's start and end (see
    ///   `ResourceSeries.cpuSeconds(from:to:)`), divided by the window length, × 100 (% of
    ///   one core). 0 without a window, with an empty window, or with < 2 samples.
    /// - `rssPeakBytes`, `threadsPeak`: the largest reading of any sample (the whole cell).
    /// - `rssSustainedBytes`: the median RSS of the samples with `timeMs` inside
    ///   [start, end]; for an even count, the lower of the middle two (a value that was
    ///   actually observed, never a made-up average). With no sample inside, the sample
    ///   nearest to the window; without a window, 0 (the cell never reached it).
    ///
    /// Samples may arrive in any order; they are sorted by time first.
    public init(samples: [ResourceSample], window: MeasurementWindow?) {
        let series = ResourceSeries(samples)
        let rssPeak = series.samples.lazy.map(\.rssBytes).max() ?? 0
        let threadsPeak = series.samples.lazy.map(\.threads).max() ?? 0
        guard let window, !series.samples.isEmpty else {
            self.init(cpuPercent: 0, rssPeakBytes: rssPeak, rssSustainedBytes: 0, threadsPeak: threadsPeak)
            return
        }
        self.init(
            cpuPercent: Self.cpuPercent(series, window),
            rssPeakBytes: rssPeak,
            rssSustainedBytes: Self.sustainedRSS(series.samples, window),
            threadsPeak: threadsPeak)
    }

    /// CPU % of one core over `window`.
    private static func cpuPercent(_ series: ResourceSeries, _ window: MeasurementWindow) -> Double {
        guard window.seconds > 0, let used = series.cpuSeconds(from: window.startMs, to: window.endMs) else { return 0 }
        return used / window.seconds * 100
    }

    /// Median RSS inside `window`, else the RSS of the sample nearest to it.
    private static func sustainedRSS(_ series: [ResourceSample], _ window: MeasurementWindow) -> UInt64 {
        let inside =
            series
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
