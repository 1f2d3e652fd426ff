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
    /// What each capacity search found, in run order. JSON key `capacity`.
    public var capacity: [CapacityEntry] = []
    /// The topology's `decision: { load }`, requests per second; nil without one. JSON key
    /// `decision_load_per_second`.
    public var decisionLoadPerSecond: Double?

    /// Creates a summary; see each property.
    public init(barrage: String, topology: String, started: String, status: RunStatus, cells: [CellSummary]) {
        self.barrage = barrage
        self.topology = topology
        self.started = started
        self.status = status
        self.cells = cells
    }

    /// The cells folded per (system, connections), as the comparison shows them. JSON key
    /// `groups` (see `CellGroup.encode(to:)`): written, never read, since it follows from `cells`.
    public var groups: [CellGroup] { CellGroup.groups(of: cells) }

    enum CodingKeys: String, CodingKey {
        case barrage, topology, started, status, cells, groups, capacity
        case decisionLoadPerSecond = "decision_load_per_second"
    }

    /// The cells that missed their SLO where it is a gate (every workload but `rate: search`,
    /// whose SLO is its target): they make `launch` exit 3.
    public var sloGateMisses: [CellSummary] {
        let searched = Set(capacity.map(\.cell))
        return cells.filter { $0.sloMet == false && !searched.contains($0.id) }
    }

    /// Encodes SPEC.md's keys and the derived `groups`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(barrage, forKey: .barrage)
        try container.encode(topology, forKey: .topology)
        try container.encode(started, forKey: .started)
        try container.encode(status, forKey: .status)
        try container.encode(cells, forKey: .cells)
        try container.encode(groups, forKey: .groups)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(decisionLoadPerSecond, forKey: .decisionLoadPerSecond)
    }

    /// Decodes a summary; `groups` is skipped, being derived from `cells`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        barrage = try container.decode(String.self, forKey: .barrage)
        topology = try container.decode(String.self, forKey: .topology)
        started = try container.decode(String.self, forKey: .started)
        status = try container.decode(RunStatus.self, forKey: .status)
        cells = try container.decode([CellSummary].self, forKey: .cells)
        capacity = try container.decodeIfPresent([CapacityEntry].self, forKey: .capacity) ?? []
        decisionLoadPerSecond = try container.decodeIfPresent(Double.self, forKey: .decisionLoadPerSecond)
    }
}
