/// How much CPU a server may use on the host it runs on: the host's cores, narrowed by a
/// `cpuset` and a `cpus` quota when the topology sets them.
///
/// Worked out by the server worker on its own host (the coordinator's cores say nothing
/// about an ssh host's), it sizes the builtin server and is what `bottleneck` measures the
/// server's CPU against.
public struct CPUAllowance: Sendable, Equatable {
    /// Cores the server may keep busy, e.g. 0.5 under `cpus: 0.5`.
    public let cores: Double

    /// - Parameters:
    ///   - hostCores: CPUs online on the server's host (at least 1 is assumed).
    ///   - cpus: the `cpus` limit (a CFS quota), nil when unlimited.
    ///   - cpusetSize: how many CPUs the `cpuset` limit names, nil without one.
    public init(hostCores: Int, cpus: Double?, cpusetSize: Int?) {
        // A worker's report is the only source: bounded, so `threads` always fits an Int.
        var cores = Double(Swift.min(Swift.max(1, hostCores), FigureBounds.maximumQuantity))
        if let cpusetSize, cpusetSize > 0 { cores = Swift.min(cores, Double(cpusetSize)) }
        if let cpus, cpus > 0 { cores = Swift.min(cores, cpus) }
        self.cores = cores
    }

    /// Event-loop threads for the builtin server: one per core it may use, a fractional
    /// quota rounded up (0.5 CPU still needs a thread), at least one.
    public var threads: Int { Swift.max(1, Int(cores.rounded(.up))) }
}
