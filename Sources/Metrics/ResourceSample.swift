/// One reading of a process tree's resources, taken by a sampler.
public struct ResourceSample: Codable, Sendable, Equatable {
    /// Monotonic time of the reading, milliseconds, on the sampling host's clock.
    public var timeMs: UInt64
    /// Cumulative CPU seconds (user + system) of the whole tree so far.
    public var cpuSeconds: Double
    /// Resident set size of the whole tree, bytes.
    public var rssBytes: UInt64
    /// Threads in the whole tree.
    public var threads: Int

    public init(timeMs: UInt64, cpuSeconds: Double, rssBytes: UInt64, threads: Int) {
        self.timeMs = timeMs
        self.cpuSeconds = cpuSeconds
        self.rssBytes = rssBytes
        self.threads = threads
    }

    enum CodingKeys: String, CodingKey {
        case timeMs = "t_ms", cpuSeconds = "cpu_s", rssBytes = "rss", threads
    }

    /// Refuses figures past `FigureBounds`: replicas' figures are added.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = FigureBounds.self
        timeMs = try container.decode(UInt64.self, forKey: .timeMs)
        cpuSeconds = try bounds.checked(container.decode(Double.self, forKey: .cpuSeconds), .cpuSeconds, in: container)
        rssBytes = try bounds.checked(
            container.decode(UInt64.self, forKey: .rssBytes), atMost: bounds.maximumBytes, .rssBytes, in: container)
        threads = try bounds.checked(container.decode(Int.self, forKey: .threads), .threads, in: container)
    }
}
