/// One cgroup hierarchy a plan uses, and Barrage's parent cgroup in it.
///
/// v1 has one hierarchy per mount (`cpu`, `cpuset`, `memory`, `cpuacct`, or co-mounted
/// groups such as `cpu,cpuacct`); v2 has a single one holding every controller.
public struct CgroupHierarchy: Sendable, Equatable {
    /// v1 or v2.
    public let version: CgroupVersion
    /// Where the hierarchy is mounted; its root is the mount point's cgroup.
    public let mountPoint: String
    /// Barrage's parent cgroup, `<mountPoint>/barrage`; each cell gets a child of it.
    public let parent: String
    /// The controllers used here: those enforcing a limit and those only read for figures.
    public let controllers: Set<CgroupController>
    /// The controllers here that enforce an asked limit; setting up fails if any cannot be
    /// used, while a controller only read for figures is dropped instead.
    public let enforcing: Set<CgroupController>
    /// v1: every controller bound to this mount, used or not (a cpuset co-mounted with cpu
    /// still needs `cpuset.cpus` and `cpuset.mems` filled in before a task may join).
    let mountControllers: Set<CgroupController>
    /// v1 `noprefix` mount: files lack the `<controller>.` prefix.
    let noPrefix: Bool

    init(
        version: CgroupVersion, mountPoint: String, controllers: Set<CgroupController>,
        enforcing: Set<CgroupController>, mountControllers: Set<CgroupController>, noPrefix: Bool
    ) {
        self.version = version
        self.mountPoint = mountPoint
        self.parent = mountPoint + "/" + CgroupPlanner.parentName
        self.controllers = controllers
        self.enforcing = enforcing
        self.mountControllers = mountControllers
        self.noPrefix = noPrefix
    }

    /// The same hierarchy using fewer controllers.
    func keeping(_ kept: Set<CgroupController>) -> CgroupHierarchy {
        CgroupHierarchy(
            version: version, mountPoint: mountPoint, controllers: controllers.intersection(kept),
            enforcing: enforcing.intersection(kept), mountControllers: mountControllers, noPrefix: noPrefix)
    }

    /// Path of a controller file (`cpuset.cpus`) in `directory`, honouring `noprefix`.
    func file(_ directory: String, _ name: String) -> String {
        guard noPrefix, !name.hasPrefix("cgroup."), let dot = name.firstIndex(of: ".") else {
            return directory + "/" + name
        }
        return directory + "/" + name[name.index(after: dot)...]
    }
}
