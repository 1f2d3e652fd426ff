/// A swept dimension that scaling curves are drawn against.
public enum ScalingDimension: String, Sendable, CaseIterable {
    case connections
    case cpus
    case rate
    case replicas

    /// The cell field (see `CellFields`) that holds the dimension's value.
    public var field: String {
        switch self {
        case .connections: "connections"
        case .cpus: "cpus"
        case .rate: "rate_per_second"
        case .replicas: "replicas"
        }
    }

    /// The x-axis title, with its unit.
    public var axisLabel: String {
        switch self {
        case .connections: "connections"
        case .cpus: "server CPU limit (cores)"
        case .rate: "offered rate (req/s)"
        case .replicas: "server replicas"
        }
    }

    /// Connections and rates are swept over orders of magnitude: a log axis keeps 100 and
    /// 1,000 apart next to 10,000. CPUs and replicas are few and small.
    public var scale: AxisScale {
        switch self {
        case .connections, .rate: .log
        case .cpus, .replicas: .linear
        }
    }

    /// How the dimension's values read on the axis.
    public func format(_ value: Double) -> String { ChartLabels.number(value) }
}
