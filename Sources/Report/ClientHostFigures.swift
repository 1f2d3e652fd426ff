/// The client figures of the workers on one host, so a slow or saturated load machine shows.
public struct ClientHostFigures: Codable, Sendable, Equatable {
    /// Topology host name.
    public var host: String
    /// Client workers on this host that reported a result.
    public var workers: Int
    /// Connections that were up when load started.
    public var connectionsEstablished: Int
    /// Successful requests inside the workers' windows.
    public var requests: UInt64
    /// Σ of the workers' CPU over their windows, % of one core.
    public var cpuPercent: Double
    /// Largest RSS of any of these workers, bytes.
    public var rssPeakBytes: UInt64
    /// A worker on this host was ≥ 90 % busy on its threads.
    public var saturated: Bool
    /// Open loop: sends the generator made ≥ 1 ms late with a stream free, on this host.
    public var lateSends: UInt64
    /// Open loop: sends that waited for a busy connection's stream, on this host.
    public var queuedSends: UInt64
    /// The host's idle CPU over the window, % of all its cores (the mean of its workers'
    /// readings of /proc/stat); nil when none could read it. Under 10 % the host starved its
    /// workers, whatever their own CPU says, and the cell's `bottleneck` is `client`.
    public var cpuIdlePercent: Double?

    /// Creates host figures; see each property.
    public init(
        host: String, workers: Int, connectionsEstablished: Int, requests: UInt64,
        cpuPercent: Double, rssPeakBytes: UInt64, saturated: Bool, lateSends: UInt64 = 0,
        queuedSends: UInt64 = 0, cpuIdlePercent: Double? = nil
    ) {
        self.host = host
        self.workers = workers
        self.connectionsEstablished = connectionsEstablished
        self.requests = requests
        self.cpuPercent = cpuPercent
        self.rssPeakBytes = rssPeakBytes
        self.saturated = saturated
        self.lateSends = lateSends
        self.queuedSends = queuedSends
        self.cpuIdlePercent = cpuIdlePercent
    }

    enum CodingKeys: String, CodingKey {
        case host, workers, requests, saturated
        case connectionsEstablished = "connections_established"
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case lateSends = "late_sends"
        case queuedSends = "queued_sends"
        case cpuIdlePercent = "cpu_idle_percent"
    }

    /// Encodes every key, `cpu_idle_percent` as `null` when unknown.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(workers, forKey: .workers)
        try container.encode(connectionsEstablished, forKey: .connectionsEstablished)
        try container.encode(requests, forKey: .requests)
        try container.encode(cpuPercent, forKey: .cpuPercent)
        try container.encode(rssPeakBytes, forKey: .rssPeakBytes)
        try container.encode(saturated, forKey: .saturated)
        try container.encode(lateSends, forKey: .lateSends)
        try container.encode(queuedSends, forKey: .queuedSends)
        try container.encode(cpuIdlePercent, forKey: .cpuIdlePercent)
    }

    /// Decodes a host; `late_sends`, `queued_sends`, `cpu_idle_percent` may be missing (files written before them).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decode(String.self, forKey: .host)
        workers = try container.decode(Int.self, forKey: .workers)
        connectionsEstablished = try container.decode(Int.self, forKey: .connectionsEstablished)
        requests = try container.decode(UInt64.self, forKey: .requests)
        cpuPercent = try container.decode(Double.self, forKey: .cpuPercent)
        rssPeakBytes = try container.decode(UInt64.self, forKey: .rssPeakBytes)
        saturated = try container.decode(Bool.self, forKey: .saturated)
        lateSends = try container.decodeIfPresent(UInt64.self, forKey: .lateSends) ?? 0
        queuedSends = try container.decodeIfPresent(UInt64.self, forKey: .queuedSends) ?? 0
        cpuIdlePercent = try container.decodeIfPresent(Double.self, forKey: .cpuIdlePercent)
    }
}
