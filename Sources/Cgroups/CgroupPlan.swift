import Topology

/// How limits will be enforced on this machine: the outcome of `CgroupLimiter.preflight`.
public struct CgroupPlan: Sendable, Equatable {
    /// The interface used.
    public let version: CgroupVersion
    /// The limits to enforce.
    public let limits: Limits
    /// The hierarchies a cell's cgroups are created in (v2: exactly one).
    public let hierarchies: [CgroupHierarchy]

    /// One line for logs: `cgroup v1: cpu in /sys/fs/cgroup/cpu/barrage; memory in …`.
    public var summary: String {
        let parts = hierarchies.map { hierarchy in
            hierarchy.controllers.sorted().map(\.rawValue).joined(separator: ",") + " in " + hierarchy.parent
        }
        return "cgroup \(version.rawValue): " + (parts.isEmpty ? "nothing to create" : parts.joined(separator: "; "))
    }
}
