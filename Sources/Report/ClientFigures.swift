/// The load generators' figures of one cell: `clients` in `summary.json`.
public struct ClientFigures: Codable, Sendable, Equatable {
    /// Client worker processes the plan started.
    public var workers: Int
    /// Connections that were up when load started, over all workers.
    public var connectionsEstablished: Int
    /// Σ of every worker's CPU over its window, % of one core (200 = two cores busy).
    public var cpuPercent: Double
    /// Largest RSS of any worker, bytes.
    public var rssPeakBytes: UInt64
    /// Some worker was ≥ 90 % busy on its threads: the load generator, not the server, may be the limit.
    public var saturated: Bool
    /// Open loop: Σ of the sends the generator itself made ≥ 1 ms late with a stream free
    /// (its CPU or timers fell behind); 0 in closed loop. Latency still counts from the due time.
    public var lateSends: UInt64
    /// Open loop: Σ of the sends that came due while every stream of their connection was
    /// busy and waited for one (queueing the server caused); 0 in closed loop.
    public var queuedSends: UInt64
    /// The same figures per host, sorted by host name. Not in SPEC.md's schema: an addition.
    public var hosts: [ClientHostFigures]

    /// Creates client figures; see each property.
    public init(
        workers: Int, connectionsEstablished: Int, cpuPercent: Double, rssPeakBytes: UInt64,
        saturated: Bool, hosts: [ClientHostFigures], lateSends: UInt64 = 0, queuedSends: UInt64 = 0
    ) {
        self.workers = workers
        self.connectionsEstablished = connectionsEstablished
        self.cpuPercent = cpuPercent
        self.rssPeakBytes = rssPeakBytes
        self.saturated = saturated
        self.hosts = hosts
        self.lateSends = lateSends
        self.queuedSends = queuedSends
    }

    enum CodingKeys: String, CodingKey {
        case workers, saturated, hosts
        case connectionsEstablished = "connections_established"
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case lateSends = "late_sends"
        case queuedSends = "queued_sends"
    }

    /// Decodes a `clients` object; `hosts`, `late_sends` and `queued_sends` may be missing
    /// (files that carry only the first part of SPEC.md's keys).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        workers = try container.decode(Int.self, forKey: .workers)
        connectionsEstablished = try container.decode(Int.self, forKey: .connectionsEstablished)
        cpuPercent = try container.decode(Double.self, forKey: .cpuPercent)
        rssPeakBytes = try container.decode(UInt64.self, forKey: .rssPeakBytes)
        saturated = try container.decode(Bool.self, forKey: .saturated)
        hosts = try container.decodeIfPresent([ClientHostFigures].self, forKey: .hosts) ?? []
        lateSends = try container.decodeIfPresent(UInt64.self, forKey: .lateSends) ?? 0
        queuedSends = try container.decodeIfPresent(UInt64.self, forKey: .queuedSends) ?? 0
    }
}
