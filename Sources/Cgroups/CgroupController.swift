import Topology

/// The cgroup controllers Barrage uses.
public enum CgroupController: String, Sendable, Equatable, CaseIterable, Comparable {
    /// CPU bandwidth (the `cpus` quota).
    case cpu
    /// CPU time accounting; a controller of its own in v1 only (v2's `cpu.stat` always has it).
    case cpuacct
    /// CPU pinning (the `cpuset` list).
    case cpuset
    /// Memory limit, usage, peak and OOM kills.
    case memory

    /// The controllers the given limits need enforced, in a stable order.
    static func required(by limits: Limits) -> [CgroupController] {
        var result: [CgroupController] = []
        if limits.cpus != nil { result.append(.cpu) }
        if limits.cpuset != nil { result.append(.cpuset) }
        if limits.memoryBytes != nil { result.append(.memory) }
        return result
    }

    /// By name, for stable messages and file orders.
    public static func < (lhs: CgroupController, rhs: CgroupController) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
