/// One bound of an SLO.
public enum SLOBound: Sendable, Equatable, Codable {
    /// The percentile's latency must be at most this many microseconds.
    case latency(LatencyPercentile, maximumMicroseconds: UInt64)
    /// Failed calls must be at most this percentage of all calls (0...100).
    case errors(maximumPercent: Double)
}
