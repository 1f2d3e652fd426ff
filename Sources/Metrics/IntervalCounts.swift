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
}
