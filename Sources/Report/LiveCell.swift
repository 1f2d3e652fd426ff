import Metrics

/// What the coordinator knows of the running cell from the seconds and samples streaming in:
/// the live figures behind `report.html`'s live section and `launch --metrics`.
///
/// Pure. It holds the points of the seconds every client has sent (a few dozen bytes each),
/// the window's running histogram and counts, the last `recentSeconds` seconds' histograms,
/// and each server's latest two samples — nothing that grows with the window but the points.
/// Server figures here are the latest readings, not lined up with the clients' seconds as the
/// final `timeseries` is.
public struct LiveCell: Sendable {
    /// Seconds the "recent" latency quantiles cover.
    public static let recentSeconds = 10

    public let id: String
    public let system: String
    /// The client nodes whose seconds make a second whole.
    private let clients: Set<String>
    /// Seconds every client has sent, in order.
    public private(set) var points: [TimeSeriesPoint] = []
    /// Successful calls and failures by kind over the seconds received so far.
    public private(set) var requests: UInt64 = 0
    public private(set) var errorsByKind: [String: UInt64] = [:]
    /// Latency of every successful call received so far.
    public private(set) var histogram = LatencyHistogram()
    /// Seconds some clients have sent, with which have.
    private var partial: [Int: (counts: IntervalCounts, clients: Set<String>)] = [:]
    /// The last whole seconds' histograms, oldest first.
    private var recent: [LatencyHistogram] = []
    /// Each server's latest sample and the one before it.
    private var servers: [String: (previous: ResourceSample?, latest: ResourceSample)] = [:]

    /// A cell whose seconds come from `clients`.
    public init(id: String, system: String, clients: [String]) {
        self.id = id
        self.system = system
        self.clients = Set(clients)
    }

    /// One client's second. A second a client already sent is ignored: counted again it would
    /// double the totals and make the second look whole before the other clients sent theirs.
    public mutating func add(_ interval: ClientInterval, from node: String) {
        guard clients.contains(node) else { return }
        guard !(partial[interval.second]?.clients.contains(node) ?? false), !isWhole(interval.second) else { return }
        // Each second is bounded on the wire, but a worker may send seconds without end: the
        // totals saturate at FigureBounds and a histogram that could no longer be read stops growing, rather
        // than trap the coordinator (LiveFiguresTests).
        requests = Self.saturating(requests, interval.counts.requests)
        errorsByKind.merge(interval.errorsByKind, uniquingKeysWith: Self.saturating)
        if histogram.canAdd(interval.counts.histogram) { histogram.add(interval.counts.histogram) }
        var entry = partial[interval.second] ?? (IntervalCounts(), [])
        guard entry.counts.histogram.canAdd(interval.counts.histogram) else { return }
        entry.counts.add(interval.counts)
        entry.clients.insert(node)
        guard entry.clients.count >= clients.count else {
            partial[interval.second] = entry
            return
        }
        partial[interval.second] = nil
        recent.append(entry.counts.histogram)
        if recent.count > Self.recentSeconds { recent.removeFirst(recent.count - Self.recentSeconds) }
        let point = TimeSeriesPoint(
            tSeconds: interval.second, requests: entry.counts.requests, errors: entry.counts.errors,
            p50Microseconds: entry.counts.histogram.value(atPercentile: 50),
            p99Microseconds: entry.counts.histogram.value(atPercentile: 99),
            serverCPUPercent: serverCPUCores.map { $0 * 100 }, serverRSSBytes: serverRSSBytes)
        if let last = points.last, last.tSeconds > point.tSeconds {
            points.insert(point, at: points.firstIndex { $0.tSeconds > point.tSeconds } ?? points.endIndex)
        } else {
            points.append(point)
        }
    }

    /// Whether every client's `second` is in `points` already (binary search: they are in order).
    private func isWhole(_ second: Int) -> Bool {
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].tSeconds < second { low = middle + 1 } else { high = middle }
        }
        return low < points.count && points[low].tSeconds == second
    }

    /// `a + b`, at most `FigureBounds.maximumCount`: the summary adds the totals again.
    private static func saturating(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? FigureBounds.maximumCount : Swift.min(sum, FigureBounds.maximumCount)
    }

    /// A server's new samples.
    public mutating func add(_ samples: [ResourceSample], from node: String) {
        for sample in samples {
            servers[node] = (servers[node]?.latest, sample)
        }
    }

    /// Failures of every kind so far.
    public var errors: UInt64 { errorsByKind.values.reduce(0, Self.saturating) }

    /// The last whole seconds' histograms added (up to `recentSeconds`).
    public var recentHistogram: LatencyHistogram {
        recent.reduce(into: LatencyHistogram()) { $0.add($1) }
    }

    /// The servers' CPU between their last two samples, cores, added; nil before two samples.
    public var serverCPUCores: Double? {
        var total: Double?
        for (previous, latest) in servers.values {
            guard let previous, latest.timeMs > previous.timeMs else { continue }
            let busy = max(0, latest.cpuSeconds - previous.cpuSeconds)
            total = (total ?? 0) + busy / (Double(latest.timeMs - previous.timeMs) / 1000)
        }
        return total
    }

    /// The cell as far as it went, for the live page's charts: its seconds and totals (status
    /// `interrupted`: that is what it is if the run ends here).
    public var summary: CellSummary {
        var client = ClientNodeResult(
            node: "live", host: "", connectionsAsked: 0, connectionsEstablished: 0, connectFailures: [:], threads: 0,
            window: MeasurementWindow(startMs: 0, endMs: UInt64(points.count) * 1000), requests: requests,
            errors: errorsByKind, histogram: histogram, cpuSeconds: 0, rssPeakBytes: 0)
        client.intervals = []
        let record = CellRecord(
            id: id, index: 0, system: system, connections: 0, repeatIndex: 1, status: .interrupted, clientWorkers: clients.count)
        var cell = CellAggregator.summarize(record: record, servers: [], clients: [client]) { _ in AnyIterator { nil } }
        cell.timeseries = points
        return cell
    }

    /// The servers' latest RSS, added; nil before a sample.
    public var serverRSSBytes: UInt64? {
        servers.isEmpty ? nil : servers.values.map(\.latest.rssBytes).reduce(0, +)
    }
}
