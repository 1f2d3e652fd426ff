import Metrics

/// The whole comparison: `summary.json`, per SPEC.md.
public struct RunSummary: Codable, Sendable, Equatable {
    /// Version of Barrage that ran, e.g. "0.1.0".
    public var barrage: String
    /// The topology's `name`.
    public var topology: String
    /// When the run started, ISO 8601 in UTC, e.g. "2026-11-25T08:00:00Z".
    public var started: String
    /// How the run ended.
    public var status: RunStatus
    /// Every cell that ran or was attempted, in run order: one per repeat.
    public var cells: [CellSummary]
    /// Every host a worker ran on, as its workers described it, sorted by name.
    public var hosts: [HostFacts]
    /// The git commit of the source tree the coordinator's binary sits in, when it sits in a
    /// checkout; nil otherwise (an installed or copied binary). JSON key `barrage_commit`.
    public var barrageCommit: String?
    /// SHA-256 of the topology file as run (`topology.yaml`), hex. JSON key `topology_sha256`.
    public var topologySHA256: String?
    /// Each system's recipe and component versions, as its server worker reported them, in
    /// topology order.
    public var systems: [SystemVersions]
    /// What each capacity search found, in run order. JSON key `capacity`.
    public var capacity: [CapacityEntry] = []
    /// The topology's `decision: { load }`, requests per second; nil without one. JSON key
    /// `decision_load_per_second`.
    public var decisionLoadPerSecond: Double?

    /// Creates a summary; see each property.
    public init(
        barrage: String, topology: String, started: String, status: RunStatus, cells: [CellSummary],
        hosts: [HostFacts] = [], barrageCommit: String? = nil, topologySHA256: String? = nil,
        systems: [SystemVersions] = []
    ) {
        self.barrage = barrage
        self.topology = topology
        self.started = started
        self.status = status
        self.cells = cells
        self.hosts = hosts
        self.barrageCommit = barrageCommit
        self.topologySHA256 = topologySHA256
        self.systems = systems
    }

    /// The cells folded per (system, connections), as the comparison shows them. JSON key
    /// `groups` (see `CellGroup.encode(to:)`): written, never read, since it follows from `cells`.
    public var groups: [CellGroup] { CellGroup.groups(of: cells) }

    /// How each system scales with server replicas (see `ReplicaScaling`); empty without a
    /// `replicas` sweep. JSON key `scaling`: written, never read, since it follows from `cells`.
    public var scaling: [ReplicaScaling] { ReplicaScaling.all(cells) }

    /// Takes in the provenance one cell's workers reported: their hosts (every server
    /// replica's and client's) and the system's versions. The first report of a host or
    /// system wins; `systemOrder` (the topology's system names, or the cells' order) orders
    /// `systems`.
    public mutating func noteProvenance(servers: [ServerNodeResult], clients: [ClientNodeResult], systemOrder: [String]) {
        let facts = (servers.map(\.hostFacts) + clients.map(\.hostFacts)).compactMap { $0 }
        hosts = HostFacts.merged(hosts, adding: facts)
        systems = SystemVersions.merged(systems, adding: servers.compactMap(\.systemVersions), order: systemOrder)
    }

    /// The cells that missed their SLO where it is a gate (every workload but `rate: search`,
    /// whose SLO is its target): they make `launch` exit 3.
    public var sloGateMisses: [CellSummary] {
        let searched = Set(capacity.map(\.cell))
        return cells.filter { $0.sloMet == false && !searched.contains($0.id) }
    }

    enum CodingKeys: String, CodingKey {
        case barrage, topology, started, status, cells, groups, hosts, systems, capacity, scaling
        case barrageCommit = "barrage_commit"
        case decisionLoadPerSecond = "decision_load_per_second"
        case topologySHA256 = "topology_sha256"
    }

    /// Encodes SPEC.md's keys and the derived `groups` and `scaling`; `barrage_commit` and
    /// `topology_sha256` as `null` when unknown.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(barrage, forKey: .barrage)
        try container.encode(topology, forKey: .topology)
        try container.encode(started, forKey: .started)
        try container.encode(status, forKey: .status)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(barrageCommit, forKey: .barrageCommit)
        try container.encode(topologySHA256, forKey: .topologySHA256)
        try container.encode(systems, forKey: .systems)
        try container.encode(cells, forKey: .cells)
        try container.encode(groups, forKey: .groups)
        try container.encode(scaling, forKey: .scaling)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(decisionLoadPerSecond, forKey: .decisionLoadPerSecond)
    }

    /// Decodes a summary; `groups` and `scaling` are skipped, being derived from `cells`, and the
    /// provenance keys may be missing (summaries written before them).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        barrage = try container.decode(String.self, forKey: .barrage)
        topology = try container.decode(String.self, forKey: .topology)
        started = try container.decode(String.self, forKey: .started)
        status = try container.decode(RunStatus.self, forKey: .status)
        cells = try container.decode([CellSummary].self, forKey: .cells)
        hosts = try container.decodeIfPresent([HostFacts].self, forKey: .hosts) ?? []
        barrageCommit = try container.decodeIfPresent(String.self, forKey: .barrageCommit)
        topologySHA256 = try container.decodeIfPresent(String.self, forKey: .topologySHA256)
        systems = try container.decodeIfPresent([SystemVersions].self, forKey: .systems) ?? []
        capacity = try container.decodeIfPresent([CapacityEntry].self, forKey: .capacity) ?? []
        decisionLoadPerSecond = try container.decodeIfPresent(Double.self, forKey: .decisionLoadPerSecond)
    }
}
