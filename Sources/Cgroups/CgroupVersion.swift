/// Which cgroup interface enforces the limits.
public enum CgroupVersion: String, Sendable, Equatable {
    /// One hierarchy per controller (or per group of co-mounted controllers), files such as
    /// `cpu.cfs_quota_us` and `memory.limit_in_bytes`.
    case v1
    /// The unified hierarchy: one tree, controllers enabled per subtree, files such as `cpu.max`.
    case v2
}
