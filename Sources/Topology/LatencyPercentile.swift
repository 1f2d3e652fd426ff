/// A latency percentile an SLO can bound.
public enum LatencyPercentile: String, Sendable, Equatable, Codable, CaseIterable {
    case p50, p90, p95, p99, p999
}
