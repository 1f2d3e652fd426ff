import Metrics

/// A figure `barrage compare` sets side by side across runs.
public enum ComparedFigure: String, CaseIterable, Sendable, Codable {
    case requestsPerSecond = "requests_per_second"
    case p50 = "latency_p50_us"
    case p99 = "latency_p99_us"
    case p999 = "latency_p999_us"
    case errors
    case serverCPU = "server_cpu_percent"
    case serverRSSSustained = "server_rss_sustained_bytes"
    case memoryPerConnection = "server_memory_per_connection_bytes"

    /// The heading, as the comparison table names the figure.
    public var title: String {
        switch self {
        case .requestsPerSecond: "req/s"
        case .p50: "p50"
        case .p99: "p99"
        case .p999: "p99.9"
        case .errors: "errors"
        case .serverCPU: "srv CPU%"
        case .serverRSSSustained: "srv RSS sust"
        case .memoryPerConnection: "mem/conn"
        }
    }

    /// The figure of one cell; nil when the cell does not know it (no request completed,
    /// no idle RSS).
    public func value(_ cell: CellSummary) -> Double? {
        switch self {
        case .requestsPerSecond: cell.requestsPerSecond
        case .p50: cell.requests > 0 ? Double(cell.latency.p50) : nil
        case .p99: cell.requests > 0 ? Double(cell.latency.p99) : nil
        case .p999: cell.requests > 0 ? Double(cell.latency.p999) : nil
        case .errors: Double(cell.errors)
        case .serverCPU: cell.server?.cpuPercent
        case .serverRSSSustained: cell.server.map { Double($0.rssSustainedBytes) }
        case .memoryPerConnection: cell.server?.memoryPerConnectionBytes.map { Double($0) }
        }
    }

    /// A value as the tables write it.
    public func format(_ value: Double) -> String {
        switch self {
        case .requestsPerSecond: FigureFormat.decimal(value, decimals: 0)
        case .p50, .p99, .p999: FigureFormat.latency(microseconds: UInt64(max(0, value)))
        case .errors: FigureFormat.count(UInt64(max(0, value)))
        case .serverCPU: FigureFormat.percent(value)
        case .serverRSSSustained, .memoryPerConnection: FigureFormat.bytes(UInt64(max(0, value)))
        }
    }
}
