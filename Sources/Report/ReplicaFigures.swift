/// One server replica's figures in a cell: an element of the cell's `servers` in
/// `summary.json`, written only when the cell ran more than one replica.
public struct ReplicaFigures: Codable, Sendable, Equatable {
    /// The node, "server-1" … "server-N"; the order replicas are listed in.
    public var node: String
    /// The topology host the replica ran on.
    public var host: String
    /// CPU time of the replica's process tree over its window, % of one core (clamped to its
    /// allowance when up to 2 % over it, see `CellAggregator.clampedCPU`).
    public var cpuPercent: Double
    /// Largest RSS of its tree over the whole cell, bytes.
    public var rssPeakBytes: UInt64
    /// Median RSS of its samples inside the window, bytes.
    public var rssSustainedBytes: UInt64
    /// Cores the replica could use on its host; nil when it did not report it. Not in
    /// SPEC.md's schema: an addition, so the bottleneck verdict can be read per replica.
    public var cpuAllowanceCores: Double?

    /// Creates a replica's figures; see each property.
    public init(
        node: String, host: String, cpuPercent: Double, rssPeakBytes: UInt64, rssSustainedBytes: UInt64,
        cpuAllowanceCores: Double? = nil
    ) {
        self.node = node
        self.host = host
        self.cpuPercent = cpuPercent
        self.rssPeakBytes = rssPeakBytes
        self.rssSustainedBytes = rssSustainedBytes
        self.cpuAllowanceCores = cpuAllowanceCores
    }

    /// Its CPU as a share of its allowance (0.97 = 97 %); nil when the allowance is unknown.
    public var allowanceShare: Double? {
        guard let cores = cpuAllowanceCores, cores > 0 else { return nil }
        return cpuPercent / (cores * 100)
    }

    enum CodingKeys: String, CodingKey {
        case node, host
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case rssSustainedBytes = "rss_sustained_bytes"
        case cpuAllowanceCores = "cpu_allowance_cores"
    }

    /// Encodes every key, the allowance as `null` when unknown.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(node, forKey: .node)
        try container.encode(host, forKey: .host)
        try container.encode(cpuPercent, forKey: .cpuPercent)
        try container.encode(rssPeakBytes, forKey: .rssPeakBytes)
        try container.encode(rssSustainedBytes, forKey: .rssSustainedBytes)
        try container.encode(cpuAllowanceCores, forKey: .cpuAllowanceCores)
    }

    /// Decodes a replica; `node` and the allowance may be missing (SPEC.md's four fields and `host` suffice).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decode(String.self, forKey: .host)
        node = try container.decodeIfPresent(String.self, forKey: .node) ?? ""
        cpuPercent = try container.decode(Double.self, forKey: .cpuPercent)
        rssPeakBytes = try container.decode(UInt64.self, forKey: .rssPeakBytes)
        rssSustainedBytes = try container.decode(UInt64.self, forKey: .rssSustainedBytes)
        cpuAllowanceCores = try container.decodeIfPresent(Double.self, forKey: .cpuAllowanceCores)
    }
}
