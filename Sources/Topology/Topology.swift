/// A validated benchmark setup, read from a topology file by `TopologyParser`:
/// which systems are compared, on which hosts, under which workloads.
public struct Topology: Sendable, Equatable {
    /// The run's name (`[a-z0-9-]+`), used in result folder names.
    public var name: String
    /// Every host declared under `hosts`, in file order.
    public var hosts: [Host]
    /// The systems being compared, in file order.
    public var systems: [System]
    /// Where and how the servers Barrage starts run; nil when every system is an external
    /// target (a server already running), which needs no `server` section.
    public var server: ServerSpec?
    /// The load-generating client groups, in file order.
    public var clients: [ClientGroup]
    /// The workloads, run in order: the `scenarios` list, or one unnamed scenario for `workload`.
    public var scenarios: [Scenario]
    /// The `decision` section, if any.
    public var decision: Decision?

    /// The first scenario's workload (the only one of a file with `workload`).
    public var workload: Workload {
        get { scenarios.first?.workload ?? Workload(protocolKind: .tcpEcho, payloadBytes: 64, connections: []) }
        set {
            if scenarios.isEmpty {
                scenarios = [Scenario(name: nil, workload: newValue)]
            } else {
                scenarios[0].workload = newValue
            }
        }
    }

    /// True when the file listed `scenarios` (their names then appear in cell ids and reports).
    public var hasNamedScenarios: Bool { scenarios.contains { $0.name != nil } }

    /// Creates a topology from its parts; `TopologyParser` is the validating way to get one.
    /// `scenarios`, when given, wins over `workload`.
    public init(
        name: String, hosts: [Host], systems: [System], server: ServerSpec?,
        clients: [ClientGroup], workload: Workload, scenarios: [Scenario]? = nil, decision: Decision? = nil
    ) {
        self.name = name
        self.hosts = hosts
        self.systems = systems
        self.server = server
        self.clients = clients
        self.scenarios = scenarios ?? [Scenario(name: nil, workload: workload)]
        self.decision = decision
    }

    /// The host declared under `name`, if any.
    public func host(named name: String) -> Host? {
        hosts.first { $0.name == name }
    }
}
