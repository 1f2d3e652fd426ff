import Topology

extension Limits {
    /// `cpus 0.5, memory 512 MiB, cpuset 0`, for failure messages.
    public var summary: String {
        var parts: [String] = []
        if let cpus { parts.append("cpus \(cpus)") }
        if let memoryBytes {
            parts.append(memoryBytes % (1 << 20) == 0 ? "memory \(memoryBytes >> 20) MiB" : "memory \(memoryBytes) B")
        }
        if let cpuset { parts.append("cpuset \(cpuset)") }
        return parts.joined(separator: ", ")
    }
}
