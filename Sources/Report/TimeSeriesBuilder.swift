import Metrics

/// Builds a cell's `timeseries`: the window second by second, every client added.
///
/// Pure. Clients are lined up by interval number, counted from each worker's own
/// window-opening mark (host clocks differ; the marks went out together). Server CPU and RSS
/// come from the server's samples, on the server host's clock, from its own window start;
/// with replicas, each replica's second on its own host's clock, added.
public enum TimeSeriesBuilder {
    /// One point per second of the window.
    ///
    /// The window lasts `duration`, give or take the milliseconds the marks took, so each
    /// client's window is rounded to whole seconds, and the few requests that completed in
    /// that trailing sliver count in the last second rather than making a near-empty extra
    /// point. A second in which nothing completed is still a point (zero requests): that is
    /// what a stalled server looks like. Percentiles are read from the second's histograms
    /// added over all clients, never averaged. Server CPU and RSS are the sums over the
    /// replicas that have figures for that second; nil when none does (no window or samples).
    ///
    /// `secondsOf` gives a client's seconds in order (by default its `intervals`; read back
    /// from its interval log for a window that left the worker second by second): they are
    /// read one second at a time over all clients, so a long window is never held whole.
    public static func series(
        clients: [ClientNodeResult], servers: [ServerNodeResult],
        secondsOf: (ClientNodeResult) -> AnyIterator<IntervalCounts> = { AnyIterator($0.intervals.makeIterator()) }
    ) -> [TimeSeriesPoint] {
        var sources: [(length: Int, seconds: AnyIterator<IntervalCounts>, first: IntervalCounts)] = []
        for client in clients {
            let length = secondsIn(client.window)
            guard length > 0 else { continue }
            let seconds = secondsOf(client)
            // A file from before intervals were kept counted requests but has none: it says
            // nothing about the seconds, which is not the same as seconds of nothing.
            guard let first = seconds.next() else {
                if client.requests == 0 && client.errorCount == 0 {
                    sources.append((length, AnyIterator { nil }, IntervalCounts()))
                }
                continue
            }
            sources.append((length, seconds, first))
        }
        let replicas = servers.compactMap { server in server.window.map { (series: ResourceSeries(server.samples), window: $0) } }
        let total = sources.map(\.length).max() ?? 0
        var points: [TimeSeriesPoint] = []
        points.reserveCapacity(total)
        for second in 0..<total {
            // Started from the first client's own second, not an empty full-range histogram:
            // one client's second then costs no 184 KiB histogram (a day has 86,400 of them).
            var counts: IntervalCounts?
            for index in sources.indices where second < sources[index].length {
                var own = second == 0 ? sources[index].first : (sources[index].seconds.next() ?? IntervalCounts())
                // The few requests of the trailing sliver count in the last second.
                if second == sources[index].length - 1 {
                    while let late = sources[index].seconds.next() { own.add(late) }
                }
                if counts == nil { counts = own } else { counts?.add(own) }
            }
            points.append(point(second, counts ?? IntervalCounts(), replicas: replicas, last: second == total - 1))
        }
        return points
    }

    /// One second's point: the clients' counts, the servers' CPU and RSS in that second.
    private static func point(
        _ second: Int, _ counts: IntervalCounts, replicas: [(series: ResourceSeries, window: MeasurementWindow)], last: Bool
    ) -> TimeSeriesPoint {
        var cpu: Double?
        var rss: UInt64?
        for replica in replicas {
            guard let span = serverSpan(second, of: replica.window, last: last) else { continue }
            let series = replica.series
            if let busy = series.cpuSeconds(from: span.startMs, to: span.endMs) {
                cpu = (cpu ?? 0) + busy / span.seconds * 100
            }
            if let bytes = series.rssBytes(at: span.endMs) { rss = (rss ?? 0) + bytes }
        }
        return TimeSeriesPoint(
            tSeconds: second, requests: counts.requests, errors: counts.errors,
            p50Microseconds: counts.histogram.value(atPercentile: 50),
            p99Microseconds: counts.histogram.value(atPercentile: 99),
            serverCPUPercent: cpu, serverRSSBytes: rss)
    }

    /// Whole seconds in `window`, rounded to the nearest (a 10.004 s window has 10).
    static func secondsIn(_ window: MeasurementWindow) -> Int {
        guard window.endMs > window.startMs else { return 0 }
        return max(1, Int((window.endMs - window.startMs + 500) / 1000))
    }

    /// Second `index` of the server's window; the last one runs to the window's end, as the
    /// clients' last second does. Nil past the server's window.
    static func serverSpan(_ index: Int, of window: MeasurementWindow, last: Bool) -> MeasurementWindow? {
        // A window from a damaged file may start near UInt64.max: past it there is no second.
        let (start, overflow) = window.startMs.addingReportingOverflow(UInt64(index) * 1000)
        guard !overflow, start < window.endMs, start <= UInt64.max - 1000 else { return nil }
        let end = last ? max(window.endMs, start + 1) : min(window.endMs, start + 1000)
        guard end > start else { return nil }
        return MeasurementWindow(startMs: start, endMs: end)
    }
}
