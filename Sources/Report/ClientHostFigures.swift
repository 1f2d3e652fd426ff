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
    /// Open loop: sends that went out later than scheduled on this host.
    public var lateSends: UInt64

    /// Creates host figures; see each property.
    public init(host: String, workers: Int, connectionsEstablished: Int, requests: UInt64,
                cpuPercent: Double, rssPeakBytes: UInt64, saturated: Bool, lateSends: UInt64 = 0) {
        self.host = host
        self.workers = workers
        self.connectionsEstablished = connectionsEstablished
        self.requests = requests
        self.cpuPercent = cpuPercent
        self.rssPeakBytes = rssPeakBytes
        self.saturated = saturated
        self.lateSends = lateSends
    }

    enum CodingKeys: String, CodingKey {
        case host, workers, requests, saturated
        case connectionsEstablished = "connections_established"
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case lateSends = "late_sends"
    }

    /// Decodes a host; `late_sends` may be missing (files written before it).
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
    }
}
