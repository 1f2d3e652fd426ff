/// What a capacity search found for one (scenario, system, replicas, cpus, connections): an
/// element of `capacity` in `summary.json`.
public struct CapacityEntry: Codable, Sendable, Equatable {
    /// The cell that searched (its node files hold the last confirm run).
    public var cell: String
    public var scenario: String?
    public var system: String
    public var replicas: Int
    /// The server's CPU limit, cores; nil when unlimited.
    public var cpus: Double?
    public var connections: Int
    /// The highest rate found to meet the SLO, requests per second; 0 when not even the lowest did.
    public var ratePerSecond: Double
    /// `ratePerSecond` ÷ `cpus`; nil without a CPU limit.
    public var perCoreRatePerSecond: Double?
    /// A confirm run of `duration` at `ratePerSecond` met the SLO.
    public var confirmed: Bool
    /// The search stopped on an invalid trial: `ratePerSecond` is a lower bound, and `note` says
    /// how far the generator got.
    public var limitedByGenerator: Bool
    /// Why the search ended where it did, for the reader ("the load generator could not drive …").
    public var note: String?
    /// Every trial in run order, confirm runs included.
    public var trials: [CapacityTrial]

    /// Creates an entry.
    public init(
        cell: String, scenario: String?, system: String, replicas: Int = 1, cpus: Double?, connections: Int,
        ratePerSecond: Double, confirmed: Bool, limitedByGenerator: Bool, note: String?, trials: [CapacityTrial]
    ) {
        self.cell = cell
        self.scenario = scenario
        self.system = system
        self.replicas = replicas
        self.cpus = cpus
        self.connections = connections
        self.ratePerSecond = ratePerSecond
        self.perCoreRatePerSecond = cpus.map { $0 > 0 ? ratePerSecond / $0 : 0 }
        self.confirmed = confirmed
        self.limitedByGenerator = limitedByGenerator
        self.note = note
        self.trials = trials
    }

    enum CodingKeys: String, CodingKey {
        case cell, scenario, system, replicas, cpus, connections, confirmed, note, trials
        case ratePerSecond = "rate_per_second"
        case perCoreRatePerSecond = "per_core_rate_per_second"
        case limitedByGenerator = "limited_by_generator"
    }

    /// The highest valid trial that met the SLO at `ratePerSecond`: what a lower bound's
    /// figures come from; nil when there is none.
    public var boundTrial: CapacityTrial? {
        trials.last { $0.valid && $0.met && $0.ratePerSecond == ratePerSecond }
    }

    /// Writes every key, nulls included, so readers find the schema's shape.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cell, forKey: .cell)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(system, forKey: .system)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(cpus, forKey: .cpus)
        try container.encode(connections, forKey: .connections)
        try container.encode(ratePerSecond, forKey: .ratePerSecond)
        try container.encode(perCoreRatePerSecond, forKey: .perCoreRatePerSecond)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(limitedByGenerator, forKey: .limitedByGenerator)
        try container.encode(note, forKey: .note)
        try container.encode(trials, forKey: .trials)
    }
}
