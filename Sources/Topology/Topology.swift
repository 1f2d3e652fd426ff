/// A validated benchmark setup, read from a topology file by `TopologyParser`:
/// which systems are compared, on which hosts, under which workload.
public struct Topology: Sendable, Equatable {
    /// The run's name (`[a-z0-9-]+`), used in result folder names.
    public var name: String
    /// Every host declared under `hosts`, in file order.
    public var hosts: [Host]
    /// The systems being compared, in file order.
    public var systems: [System]
    /// Where and how the server under test runs.
    public var server: ServerSpec
    /// The load-generating client groups, in file order.
    public var clients: [ClientGroup]
    /// What the clients send.
    public var workload: Workload

    /// Creates a topology from its parts; `TopologyParser` is the validating way to get one.
    public init(name: String, hosts: [Host], systems: [System], server: ServerSpec,
                clients: [ClientGroup], workload: Workload) {
        self.name = name
        self.hosts = hosts
        self.systems = systems
        self.server = server
        self.clients = clients
        self.workload = workload
    }

    /// The host declared under `name`, if any.
    public func host(named name: String) -> Host? {
        hosts.first { $0.name == name }
    }
}
