/// A latency percentile an SLO can bound.
public enum LatencyPercentile: String, Sendable, Equatable, Codable, CaseIterable {
    case p50, p90, p95, p99, p999

    /// The share of calls at or below the percentile: 0.99 for p99.
    public var fraction: Double {
        switch self {
        case .p50: 0.5
        case .p90: 0.9
        case .p95: 0.95
        case .p99: 0.99
        case .p999: 0.999
        }
    }
}
