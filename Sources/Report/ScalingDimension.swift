/// A swept dimension that scaling curves are drawn against.
public enum ScalingDimension: String, Sendable, CaseIterable {
    case connections
    case cpus
    case rate
    case replicas
    /// Plaintext (0) against h2 over TLS (1): what TLS costs each system.
    case tls

    /// The cell field (see `CellFields`) that holds the dimension's value.
    public var field: String {
        switch self {
        case .connections: "connections"
        case .cpus: "cpus"
        case .rate: "rate_per_second"
        case .replicas: "replicas"
        case .tls: "tls"
        }
    }

    /// The x-axis title, with its unit.
    public var axisLabel: String {
        switch self {
        case .connections: "connections"
        case .cpus: "server CPU limit (cores)"
        case .rate: "offered rate (req/s)"
        case .replicas: "server replicas"
        case .tls: "plaintext h2 against h2 over TLS"
        }
    }

    /// Connections and rates are swept over orders of magnitude: a log axis keeps 100 and
    /// 1,000 apart next to 10,000. CPUs and replicas are few and small.
    public var scale: AxisScale {
        switch self {
        case .connections, .rate: .log
        case .cpus, .replicas, .tls: .linear
        }
    }

    /// How the dimension's values read on the axis: plain and TLS for `tls`.
    public func format(_ value: Double) -> String {
        guard self == .tls else { return ChartLabels.number(value) }
        return value == 0 ? "plain" : value == 1 ? "TLS" : ""
    }

    /// A cell's value along the dimension, from its key; nil when it has none. A cell whose
    /// key names no `tls` ran plaintext (0).
    public func value(in key: CellKey) -> Double? {
        guard self == .tls else { return key.numbers[field] }
        return key.values[field] == nil ? 0 : 1
    }
}
