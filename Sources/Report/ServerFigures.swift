import Metrics

/// The server's figures of one cell: `server` in `summary.json`.
///
/// SPEC.md's four resource figures plus what memory per connection needs. The additions
/// are always written, as `null` when unknown, so a reader can tell "unknown" from "0".
public struct ServerFigures: Codable, Sendable, Equatable {
    /// CPU time of the tree over the window, % of one core.
    public var cpuPercent: Double
    /// Largest RSS over all samples (the whole cell), bytes.
    public var rssPeakBytes: UInt64
    /// Median RSS of the samples inside the window, bytes.
    public var rssSustainedBytes: UInt64
    /// Most threads seen in any sample.
    public var threadsPeak: Int
    /// RSS of the tree when it first accepted a connection, before the clients connected;
    /// nil when the server did not report it. Not in SPEC.md's schema: an addition.
    public var idleRssBytes: UInt64?
    /// (`rssSustainedBytes` − `idleRssBytes`) ÷ connections established, at least 0; nil
    /// when either is unknown or no connection was up. Not in SPEC.md's schema: an addition.
    public var memoryPerConnectionBytes: UInt64?
    /// With a memory limit: the cell cgroup's peak memory use, what the limit counts; nil
    /// without limits. Not in SPEC.md's schema: an addition.
    public var cgroupMemoryPeakBytes: UInt64?
    /// Cores the server could use on its host (its `cpus`/`cpuset` limits, else every core
    /// there): what `cpu_percent` is judged against for `bottleneck`; nil when the server
    /// did not report it. Not in SPEC.md's schema: an addition.
    public var cpuAllowanceCores: Double?
    /// The CPU the samples gave when it read up to 2 % above `cpuAllowanceCores` and
    /// `cpuPercent` was clamped to the allowance (a cgroup cannot grant more: the excess is
    /// where the samples and the window's edges fall); nil when nothing was clamped. With
    /// replicas, the sum of the readings. Not in SPEC.md's schema: an addition.
    public var cpuPercentUnclamped: Double?

    /// Creates server figures from the sampled `resources` and the memory figures.
    public init(
        _ resources: ResourceFigures, idleRssBytes: UInt64? = nil, memoryPerConnectionBytes: UInt64? = nil,
        cgroupMemoryPeakBytes: UInt64? = nil, cpuAllowanceCores: Double? = nil,
        cpuPercentUnclamped: Double? = nil
    ) {
        self.cpuPercentUnclamped = cpuPercentUnclamped
        self.cgroupMemoryPeakBytes = cgroupMemoryPeakBytes
        self.cpuAllowanceCores = cpuAllowanceCores
        cpuPercent = resources.cpuPercent
        rssPeakBytes = resources.rssPeakBytes
        rssSustainedBytes = resources.rssSustainedBytes
        threadsPeak = resources.threadsPeak
        self.idleRssBytes = idleRssBytes
        self.memoryPerConnectionBytes = memoryPerConnectionBytes
    }

    /// The four figures SPEC.md defines, without the memory-per-connection additions.
    public var resources: ResourceFigures {
        ResourceFigures(
            cpuPercent: cpuPercent, rssPeakBytes: rssPeakBytes,
            rssSustainedBytes: rssSustainedBytes, threadsPeak: threadsPeak)
    }

    enum CodingKeys: String, CodingKey {
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case rssSustainedBytes = "rss_sustained_bytes"
        case threadsPeak = "threads_peak"
        case idleRssBytes = "idle_rss_bytes"
        case memoryPerConnectionBytes = "memory_per_connection_bytes"
        case cgroupMemoryPeakBytes = "cgroup_memory_peak_bytes"
        case cpuAllowanceCores = "cpu_allowance_cores"
        case cpuPercentUnclamped = "cpu_percent_unclamped"
    }

    /// Encodes every key; the additions as `null` when nil (synthesized encoding would drop them).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cpuPercent, forKey: .cpuPercent)
        try container.encode(rssPeakBytes, forKey: .rssPeakBytes)
        try container.encode(rssSustainedBytes, forKey: .rssSustainedBytes)
        try container.encode(threadsPeak, forKey: .threadsPeak)
        try container.encode(idleRssBytes, forKey: .idleRssBytes)
        try container.encode(memoryPerConnectionBytes, forKey: .memoryPerConnectionBytes)
        try container.encode(cgroupMemoryPeakBytes, forKey: .cgroupMemoryPeakBytes)
        try container.encode(cpuAllowanceCores, forKey: .cpuAllowanceCores)
        try container.encode(cpuPercentUnclamped, forKey: .cpuPercentUnclamped)
    }

    /// Decodes a `server` object; the additions may be missing (files written before them).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cpuPercent = try container.decode(Double.self, forKey: .cpuPercent)
        rssPeakBytes = try container.decode(UInt64.self, forKey: .rssPeakBytes)
        rssSustainedBytes = try container.decode(UInt64.self, forKey: .rssSustainedBytes)
        threadsPeak = try container.decode(Int.self, forKey: .threadsPeak)
        idleRssBytes = try container.decodeIfPresent(UInt64.self, forKey: .idleRssBytes)
        memoryPerConnectionBytes = try container.decodeIfPresent(UInt64.self, forKey: .memoryPerConnectionBytes)
        cgroupMemoryPeakBytes = try container.decodeIfPresent(UInt64.self, forKey: .cgroupMemoryPeakBytes)
        cpuAllowanceCores = try container.decodeIfPresent(Double.self, forKey: .cpuAllowanceCores)
        cpuPercentUnclamped = try container.decodeIfPresent(Double.self, forKey: .cpuPercentUnclamped)
    }
}
