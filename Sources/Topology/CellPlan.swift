/// A cell: one (scenario, system, replicas, cpus, connections, rate, repeat) measurement, with
/// the processes it needs.
public struct CellPlan: Sendable, Equatable {
    /// Names every swept value, e.g. `unary-scaling-grpc-go-cpus1-c1000-r5000-1`; a topology with
    /// one workload, one cpus value and one rate keeps the short `builtin-c100-r1`. Filesystem-safe
    /// and unique in the plan.
    public var id: String
    /// 0-based position in run order.
    public var index: Int
    /// The scenario's name; nil for a topology with a plain `workload`.
    public var scenario: String?
    /// The scenario's workload (its `rate` is the topology's; `rate` below is this cell's).
    public var workload: Workload
    /// The system under test.
    public var system: System
    /// The server's limits in this cell: the topology's, with this cell's value of a CPU sweep.
    public var limits: Limits?
    /// Total connections over all client processes.
    public var connections: Int
    /// What this cell offers: closed loop, one open-loop rate, or a capacity search.
    public var rate: CellRate
    /// Whether the clients speak h2 over TLS to the servers in this cell (the workload's
    /// `tls`, or this cell's value of a tls sweep).
    public var tls: Bool
    /// Which repetition this is, 1-based.
    public var repeatIndex: Int
    /// The server replicas, one per host (the first N of `server.hosts`); empty for an
    /// external target, whose server Barrage does not start.
    public var servers: [ServerProcess]
    /// The client processes, one per worker over all client groups.
    public var clients: [ClientProcess]

    /// Creates a cell; `workload`, `limits` and `rate` default to a plain closed-loop cell's.
    public init(
        id: String, index: Int, system: System, connections: Int, repeatIndex: Int,
        servers: [ServerProcess], clients: [ClientProcess], scenario: String? = nil,
        workload: Workload? = nil, limits: Limits? = nil, rate: CellRate = .max, tls: Bool = false
    ) {
        self.tls = tls
        self.id = id
        self.index = index
        self.scenario = scenario
        self.workload = workload ?? Workload(protocolKind: .tcpEcho, payloadBytes: 64, connections: [connections])
        self.system = system
        self.limits = limits
        self.connections = connections
        self.rate = rate
        self.repeatIndex = repeatIndex
        self.servers = servers
        self.clients = clients
    }

    /// How progress lines and messages name the cell: `unary grpc-go replicas3 cpus1 tls c1000 5000/s r1`
    /// (`tls` when the cell speaks TLS, `plain` when a tls sweep's cell does not).
    public var label: String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        parts.append(system.name)
        if replicas > 1 { parts.append("replicas\(replicas)") }
        if let cpus = limits?.cpus { parts.append("cpus\(cpus.plainText)") }
        if tls || workload.tls.isSwept { parts.append(tls ? "tls" : "plain") }
        parts.append("c\(connections)")
        switch rate {
        case .max: break
        case .perSecond(let value): parts.append("\(value.plainText)/s")
        case .search: parts.append("search")
        }
        parts.append("r\(repeatIndex)")
        return parts.joined(separator: " ")
    }

    /// How many servers the cell loads: its replicas, or the one external target.
    public var replicas: Int { system.isExternal ? 1 : servers.count }

    /// Where an external system already listens; nil when the cell starts its servers.
    public var target: ServerEndpoint? { system.target }

    /// The server's CPU limit in this cell, cores; nil when unlimited.
    public var cpus: Double? { limits?.cpus }
}
