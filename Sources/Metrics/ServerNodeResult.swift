/// What the server worker sampled in one cell: the raw node file `nodes/<cell>/server.json`.
public struct ServerNodeResult: Codable, Sendable, Equatable {
    /// Node name, "server".
    public var node: String
    /// Topology host it ran on.
    public var host: String
    /// Samples of the server's whole process tree over the whole cell, in time order (≥ 10 Hz).
    public var samples: [ResourceSample]
    /// The measurement window on the server host's clock; nil when the cell never reached it.
    public var window: MeasurementWindow?
    /// RSS of the tree when it first accepted a connection, before any client connected:
    /// the base that memory per connection is measured from.
    public var idleRssBytes: UInt64?
    /// With a memory limit: the cell cgroup's own peak memory use (page cache and kernel
    /// memory included, which RSS leaves out), bytes — what the limit is enforced against.
    public var cgroupMemoryPeakBytes: UInt64?
    /// Cores the server could use on its host (its `cpus` and `cpuset` limits, else every
    /// core there): what its CPU is judged against for `bottleneck`. Nil in older files.
    public var cpuAllowanceCores: Double?
    /// The system's name, recipe and component versions; nil in older files.
    public var systemVersions: SystemVersions?
    /// The host the server ran on; nil in older files.
    public var hostFacts: HostFacts?

    public init(
        node: String, host: String, samples: [ResourceSample], window: MeasurementWindow?,
        idleRssBytes: UInt64? = nil, cgroupMemoryPeakBytes: UInt64? = nil, cpuAllowanceCores: Double? = nil,
        systemVersions: SystemVersions? = nil, hostFacts: HostFacts? = nil
    ) {
        self.cgroupMemoryPeakBytes = cgroupMemoryPeakBytes
        self.cpuAllowanceCores = cpuAllowanceCores
        self.systemVersions = systemVersions
        self.hostFacts = hostFacts
        self.node = node
        self.host = host
        self.samples = samples
        self.window = window
        self.idleRssBytes = idleRssBytes
    }

    enum CodingKeys: String, CodingKey {
        case node, host, samples, window
        case idleRssBytes = "idle_rss_bytes"
        case cgroupMemoryPeakBytes = "cgroup_memory_peak_bytes"
        case cpuAllowanceCores = "cpu_allowance_cores"
        case systemVersions = "system"
        case hostFacts = "host_facts"
    }

    /// Refuses figures past `FigureBounds` by name: replicas' figures are added.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = FigureBounds.self
        node = try container.decode(String.self, forKey: .node)
        host = try container.decode(String.self, forKey: .host)
        samples = try container.decode([ResourceSample].self, forKey: .samples)
        _ = try bounds.checked(samples.count, .samples, in: container)
        window = try container.decodeIfPresent(MeasurementWindow.self, forKey: .window)
        idleRssBytes = try container.decodeIfPresent(UInt64.self, forKey: .idleRssBytes)
        if let idleRssBytes { _ = try bounds.checked(idleRssBytes, atMost: bounds.maximumBytes, .idleRssBytes, in: container) }
        cgroupMemoryPeakBytes = try container.decodeIfPresent(UInt64.self, forKey: .cgroupMemoryPeakBytes)
        if let cgroupMemoryPeakBytes {
            _ = try bounds.checked(cgroupMemoryPeakBytes, atMost: bounds.maximumBytes, .cgroupMemoryPeakBytes, in: container)
        }
        cpuAllowanceCores = try container.decodeIfPresent(Double.self, forKey: .cpuAllowanceCores)
        if let cpuAllowanceCores {
            _ = try bounds.checked(cpuAllowanceCores, atMost: Double(bounds.maximumQuantity), .cpuAllowanceCores, in: container)
        }
        systemVersions = try container.decodeIfPresent(SystemVersions.self, forKey: .systemVersions)
        hostFacts = try container.decodeIfPresent(HostFacts.self, forKey: .hostFacts)
    }
}
