/// One second of a cell's measurement window, every node added: an element of a cell's
/// `timeseries` in summary.json.
///
/// Client intervals are lined up by their number from each worker's window-opening mark (not
/// by host clocks); server figures come from the server's samples inside the same second.
public struct TimeSeriesPoint: Codable, Sendable, Equatable {
    /// Seconds since the window opened: this point covers [t_s, t_s + 1).
    public var tSeconds: Int
    /// Successful requests completed in this second, over all clients.
    public var requests: UInt64
    /// Failed requests in this second, over all clients.
    public var errors: UInt64
    /// Percentiles of the second's histograms added over all clients, µs.
    public var p50Microseconds: UInt64
    public var p99Microseconds: UInt64
    /// The server tree's CPU in this second, % of one core; nil without samples.
    public var serverCPUPercent: Double?
    /// The server tree's RSS at the end of this second; nil without samples.
    public var serverRSSBytes: UInt64?

    /// One point; see each property.
    public init(
        tSeconds: Int, requests: UInt64, errors: UInt64, p50Microseconds: UInt64, p99Microseconds: UInt64,
        serverCPUPercent: Double?, serverRSSBytes: UInt64?
    ) {
        self.tSeconds = tSeconds
        self.requests = requests
        self.errors = errors
        self.p50Microseconds = p50Microseconds
        self.p99Microseconds = p99Microseconds
        self.serverCPUPercent = serverCPUPercent
        self.serverRSSBytes = serverRSSBytes
    }

    enum CodingKeys: String, CodingKey {
        case requests, errors
        case tSeconds = "t_s"
        case p50Microseconds = "p50_us"
        case p99Microseconds = "p99_us"
        case serverCPUPercent = "server_cpu_percent"
        case serverRSSBytes = "server_rss_bytes"
    }

    /// Encodes every key, the server's as `null` when there were no samples.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tSeconds, forKey: .tSeconds)
        try container.encode(requests, forKey: .requests)
        try container.encode(errors, forKey: .errors)
        try container.encode(p50Microseconds, forKey: .p50Microseconds)
        try container.encode(p99Microseconds, forKey: .p99Microseconds)
        try container.encode(serverCPUPercent, forKey: .serverCPUPercent)
        try container.encode(serverRSSBytes, forKey: .serverRSSBytes)
    }
}
