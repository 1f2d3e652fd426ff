/// What one worker counted in one second of the measurement window: the unit of the
/// time series (`timeseries` in summary.json).
///
/// Intervals are numbered from the worker's own window-opening mark, not from its host's
/// clock, so the coordinator lines up intervals of different hosts by their number.
public struct IntervalCounts: Codable, Sendable, Equatable {
    /// Successful requests completed in the interval.
    public var requests: UInt64
    /// Failed requests in the interval, every kind together.
    public var errors: UInt64
    /// Latency of the interval's successful requests.
    public var histogram: LatencyHistogram

    /// An empty interval.
    public init(requests: UInt64 = 0, errors: UInt64 = 0, histogram: LatencyHistogram = LatencyHistogram()) {
        self.requests = requests
        self.errors = errors
        self.histogram = histogram
    }

    /// Adds another worker's (or thread's) counts of the same interval.
    public mutating func add(_ other: IntervalCounts) {
        requests &+= other.requests
        errors &+= other.errors
        histogram.add(other.histogram)
    }

    /// Adds `other` into `series` interval by interval; the longer series' tail is kept.
    public static func add(_ other: [IntervalCounts], into series: inout [IntervalCounts]) {
        if series.count < other.count {
            series.append(contentsOf: repeatElement(IntervalCounts(), count: other.count - series.count))
        }
        for (index, interval) in other.enumerated() { series[index].add(interval) }
    }

    enum CodingKeys: String, CodingKey { case requests, errors, histogram }

    /// Refuses counts past `FigureBounds.maximumCount`: they are added over every worker.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = FigureBounds.self
        requests = try bounds.checked(
            container.decode(UInt64.self, forKey: .requests), atMost: bounds.maximumCount, .requests, in: container)
        errors = try bounds.checked(
            container.decode(UInt64.self, forKey: .errors), atMost: bounds.maximumCount, .errors, in: container)
        histogram = try container.decode(LatencyHistogram.self, forKey: .histogram)
    }
}
