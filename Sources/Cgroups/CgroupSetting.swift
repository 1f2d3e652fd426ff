import Topology

/// One value written into a cell's cgroup to enforce a limit.
///
/// Which files get which values is pure, so it is tested without cgroups.
struct CgroupSetting: Sendable, Equatable {
    /// File name with its controller prefix (`cpu.cfs_quota_us`).
    var file: String
    /// What is written.
    var value: String
    /// Written only if the file exists: swap accounting may be compiled out or off
    /// (`memory.memsw.*`, `memory.swap.max`), and then there is no swap to dodge the limit with.
    var onlyIfPresent: Bool = false

    /// CFS period: 100 ms, the kernel's default, so `cpus` maps to a quota per 100 ms.
    static let periodMicroseconds = 100_000
    /// The kernel refuses quotas below 1 ms.
    static let minimumQuotaMicroseconds = 1_000

    /// The quota for `cpus` cores per period.
    static func quotaMicroseconds(cpus: Double) -> Int {
        Int((cpus * Double(periodMicroseconds)).rounded())
    }

    /// The settings of a cell cgroup in a hierarchy with `controllers`, in the order they must
    /// be written. `parentCPUs` and `parentMems` are the v1 parent's cpuset values (a v1
    /// cpuset cgroup starts empty and rejects tasks until both are set).
    static func settings(
        for limits: Limits, version: CgroupVersion, controllers: Set<CgroupController>,
        parentCPUs: String?, parentMems: String?
    ) -> [CgroupSetting] {
        var result: [CgroupSetting] = []
        switch version {
        case .v1:
            if controllers.contains(.cpu), let cpus = limits.cpus {
                result.append(CgroupSetting(file: "cpu.cfs_period_us", value: String(periodMicroseconds)))
                result.append(CgroupSetting(file: "cpu.cfs_quota_us", value: String(quotaMicroseconds(cpus: cpus))))
            }
            if controllers.contains(.cpuset) {
                if let cpus = limits.cpuset ?? parentCPUs { result.append(CgroupSetting(file: "cpuset.cpus", value: cpus)) }
                if let mems = parentMems { result.append(CgroupSetting(file: "cpuset.mems", value: mems)) }
            }
            if controllers.contains(.memory), let bytes = limits.memoryBytes {
                // memsw (memory + swap) must stay >= the memory limit, so memory goes first.
                result.append(CgroupSetting(file: "memory.limit_in_bytes", value: String(bytes)))
                result.append(CgroupSetting(file: "memory.memsw.limit_in_bytes", value: String(bytes), onlyIfPresent: true))
            }
        case .v2:
            if controllers.contains(.cpu), let cpus = limits.cpus {
                result.append(CgroupSetting(file: "cpu.max", value: "\(quotaMicroseconds(cpus: cpus)) \(periodMicroseconds)"))
            }
            if controllers.contains(.cpuset), let cpus = limits.cpuset {
                result.append(CgroupSetting(file: "cpuset.cpus", value: cpus))
            }
            if controllers.contains(.memory), let bytes = limits.memoryBytes {
                result.append(CgroupSetting(file: "memory.max", value: String(bytes)))
                result.append(CgroupSetting(file: "memory.swap.max", value: "0", onlyIfPresent: true))
            }
        }
        return result
    }
}
