/// The latency figures of SPEC.md, in microseconds, read from one (merged) histogram.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var min: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p95: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var mean: Double

    /// Reads every figure from `histogram`; all zero when it is empty.
    public init(_ histogram: LatencyHistogram) {
        min = histogram.min
        p50 = histogram.value(atPercentile: 50)
        p90 = histogram.value(atPercentile: 90)
        p95 = histogram.value(atPercentile: 95)
        p99 = histogram.value(atPercentile: 99)
        p999 = histogram.value(atPercentile: 99.9)
        max = histogram.max
        mean = histogram.mean
    }
}
