import Glibc
import Topology

/// Decides how limits are enforced here (`CgroupLimiter.preflight`), and prepares Barrage's
/// parent cgroups so the answer is tested, not guessed.
///
/// Choice: cgroup v2 when its root lists every controller the limits need (a pure v2 system,
/// or a hybrid one whose controllers were moved to v2); otherwise v1, with each needed
/// controller's own hierarchy. A mix of both is refused: no kernel setup in use needs it.
enum CgroupPlanner {
    /// Name of Barrage's parent cgroup in each hierarchy's root.
    static let parentName = "barrage"

    /// Where Barrage's parent cgroup is (or would be) in each hierarchy of `mounts`.
    static func parents(_ mounts: [CgroupMount]) -> [String] {
        var parents: [String] = []
        for mount in mounts where mount.version == .v2 || !mount.controllers.isEmpty {
            let parent = mount.mountPoint + "/" + parentName
            if !parents.contains(parent) { parents.append(parent) }
        }
        return parents
    }

    /// The plan for `limits`, or why they cannot be enforced. Side effects, all idempotent:
    /// creates `<root>/barrage` in each hierarchy, enables controllers for it (v2) and fills
    /// its cpuset (v1). They stay for the cells that follow; the last cell's `remove()` takes them.
    static func plan(_ limits: Limits, mounts: [CgroupMount]) -> Result<CgroupPlan, CgroupError> {
        do throws(CgroupError) {
            try validate(limits)
            let (version, chosen) = try choose(CgroupController.required(by: limits), mounts: mounts)
            var prepared: [CgroupHierarchy] = []
            for hierarchy in chosen {
                if let ready = try prepare(hierarchy, limits: limits) { prepared.append(ready) }
            }
            return .success(CgroupPlan(version: version, limits: limits, hierarchies: prepared))
        } catch {
            return .failure(error)
        }
    }

    /// Values the kernel would refuse, said in the topology's terms.
    static func validate(_ limits: Limits) throws(CgroupError) {
        if let cpus = limits.cpus {
            guard cpus.isFinite, cpus > 0 else {
                throw CgroupError("cpus must be a number of cores greater than 0, found \(cpus)")
            }
            guard CgroupSetting.quotaMicroseconds(cpus: cpus) >= CgroupSetting.minimumQuotaMicroseconds else {
                throw CgroupError(
                    "cpus \(cpus) is below the smallest CPU quota the kernel accepts (0.01 of a core: 1 ms per 100 ms)")
            }
        }
        if let bytes = limits.memoryBytes, bytes == 0 {
            throw CgroupError("memory must be greater than 0 bytes")
        }
        if let cpuset = limits.cpuset {
            guard let list = CPUList(cpuset), !list.cpus.isEmpty else {
                throw CgroupError("cpuset '\(cpuset)' is not a CPU list like 0-1 or 0,2")
            }
        }
    }

    /// The version and hierarchies to use for `required` controllers, plus the memory and
    /// (v1) cpuacct controllers where available, read for figures only.
    static func choose(_ required: [CgroupController], mounts: [CgroupMount]) throws(CgroupError) -> (
        CgroupVersion, [CgroupHierarchy]
    ) {
        guard !mounts.isEmpty else {
            throw CgroupError("no cgroup filesystem is mounted (none in /proc/self/mountinfo), so limits cannot be enforced")
        }
        let needed = Set(required)
        let unified = mounts.first { $0.version == .v2 }
        let unifiedControllers = unified.map { availableV2Controllers($0.mountPoint) } ?? []
        let v1Mounts = mounts.filter { $0.version == .v1 && !$0.controllers.isEmpty }

        // With nothing to enforce the choice only decides where figures come from: prefer
        // wherever memory is (usage, peak, OOM kills).
        let preferV2 =
            needed.isEmpty
            ? unified != nil && (unifiedControllers.contains(.memory) || !v1Mounts.contains { $0.controllers.contains(.memory) })
            : needed.isSubset(of: unifiedControllers)
        if let unified, preferV2 {
            let controllers = needed.union(unifiedControllers.intersection([.memory]))
            return (
                .v2,
                [
                    CgroupHierarchy(
                        version: .v2, mountPoint: unified.mountPoint, controllers: controllers,
                        enforcing: needed, mountControllers: unifiedControllers, noPrefix: false)
                ]
            )
        }

        var missing: [CgroupController] = []
        var hierarchies: [CgroupHierarchy] = []
        let wanted = required + [CgroupController.memory, .cpuacct].filter { !needed.contains($0) }
        for controller in wanted {
            guard let mount = v1Mounts.first(where: { $0.controllers.contains(controller) }) else {
                if needed.contains(controller) { missing.append(controller) }
                continue
            }
            let enforces = needed.contains(controller)
            if let index = hierarchies.firstIndex(where: { $0.mountPoint == mount.mountPoint }) {
                let old = hierarchies[index]
                hierarchies[index] = CgroupHierarchy(
                    version: .v1, mountPoint: old.mountPoint, controllers: old.controllers.union([controller]),
                    enforcing: enforces ? old.enforcing.union([controller]) : old.enforcing,
                    mountControllers: old.mountControllers, noPrefix: old.noPrefix)
            } else {
                hierarchies.append(
                    CgroupHierarchy(
                        version: .v1, mountPoint: mount.mountPoint, controllers: [controller],
                        enforcing: enforces ? [controller] : [], mountControllers: mount.controllers, noPrefix: mount.noPrefix))
            }
        }
        guard missing.isEmpty else {
            let names = missing.map(\.rawValue).joined(separator: ", ")
            let v2Text =
                unified.map { mount in
                    "cgroup v2 at \(mount.mountPoint) offers "
                        + (unifiedControllers.isEmpty
                            ? "none" : unifiedControllers.sorted().map(\.rawValue).joined(separator: ","))
                } ?? "no cgroup v2 is mounted"
            throw CgroupError(
                "cannot enforce the limits: the \(names) controller\(missing.count > 1 ? "s are" : " is") not available (\(v2Text); not mounted as cgroup v1 either)"
            )
        }
        return (.v1, hierarchies)
    }

    /// The controllers a v2 root offers (`cgroup.controllers`), among those Barrage uses.
    static func availableV2Controllers(_ root: String) -> Set<CgroupController> {
        let words = (CgroupFiles.read(root + "/cgroup.controllers") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
        return Set(words.compactMap { CgroupController(rawValue: String($0)) }.filter { $0 != .cpuacct })
    }

    /// Creates and configures Barrage's parent cgroup in `hierarchy`; returns the hierarchy
    /// with the controllers that could be used, nil if only figures were lost, or throws if
    /// an enforcing controller cannot be used.
    static func prepare(_ hierarchy: CgroupHierarchy, limits: Limits) throws(CgroupError) -> CgroupHierarchy? {
        var kept = hierarchy.controllers
        do throws(CgroupError) {
            switch hierarchy.version {
            case .v1:
                try CgroupFiles.makeDirectory(hierarchy.parent, existingIsFine: true)
                if hierarchy.mountControllers.contains(.cpuset) { try fillV1Cpuset(hierarchy) }
            case .v2:
                for controller in hierarchy.controllers.sorted() {
                    do throws(CgroupError) {
                        try enableV2(controller, below: hierarchy.mountPoint)
                    } catch {
                        guard hierarchy.enforcing.contains(controller) else { kept.remove(controller); continue }
                        throw error
                    }
                }
                try CgroupFiles.makeDirectory(hierarchy.parent, existingIsFine: true)
                for controller in kept.sorted() { try enableV2(controller, below: hierarchy.parent) }
            }
            // The parent may be left from a run by root: existing is no proof we may use it.
            guard access(hierarchy.parent, W_OK) == 0 else {
                throw CgroupError("cannot create cgroups in \(hierarchy.parent): \(CgroupFiles.lastError())", code: errno)
            }
        } catch {
            guard hierarchy.enforcing.isEmpty else { throw explained(error, hierarchy) }
            return nil
        }
        if let asked = limits.cpuset, hierarchy.enforcing.contains(.cpuset) {
            try checkCpuset(asked, in: hierarchy)
        }
        return hierarchy.keeping(kept)
    }

    /// A v1 cpuset cgroup starts with empty `cpus` and `mems` and refuses tasks until both are
    /// set; children copy nothing, so the parent gets its root's values once.
    static func fillV1Cpuset(_ hierarchy: CgroupHierarchy) throws(CgroupError) {
        for name in ["cpuset.cpus", "cpuset.mems"] {
            let path = hierarchy.file(hierarchy.parent, name)
            guard (CgroupFiles.readLine(path) ?? "").isEmpty else { continue }
            guard let value = CgroupFiles.readLine(hierarchy.file(hierarchy.mountPoint, name)), !value.isEmpty else {
                throw CgroupError("cannot read \(hierarchy.file(hierarchy.mountPoint, name))")
            }
            try CgroupFiles.write(path, value)
        }
    }

    /// Enables `controller` for the children of `directory` (v2 `cgroup.subtree_control`).
    static func enableV2(_ controller: CgroupController, below directory: String) throws(CgroupError) {
        let path = directory + "/cgroup.subtree_control"
        let enabled = (CgroupFiles.read(path) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard !enabled.contains(Substring(controller.rawValue)) else { return }
        do throws(CgroupError) {
            try CgroupFiles.write(path, "+" + controller.rawValue)
        } catch {
            // EBUSY here is v2's "no internal processes" rule: a non-root cgroup that holds
            // processes cannot hand controllers to its children.
            let hint =
                error.code == EBUSY
                ? " (that cgroup holds processes; cgroup v2 enables controllers only below a cgroup without any: run barrage in a delegated, empty parent)"
                : ""
            throw CgroupError("cannot enable the \(controller.rawValue) controller: \(error.message)\(hint)", code: error.code)
        }
    }

    /// The asked CPUs must be among those the parent may use (the kernel would refuse the
    /// write, with a bare "Invalid argument").
    static func checkCpuset(_ asked: String, in hierarchy: CgroupHierarchy) throws(CgroupError) {
        let effective = hierarchy.version == .v1 ? "cpuset.effective_cpus" : "cpuset.cpus.effective"
        guard let askedList = CPUList(asked),
            let allowedText = CgroupFiles.readLine(hierarchy.file(hierarchy.parent, effective))
                ?? CgroupFiles.readLine(hierarchy.file(hierarchy.parent, "cpuset.cpus")),
            let allowed = CPUList(allowedText)
        else {
            throw CgroupError("cannot read the CPUs allowed in \(hierarchy.parent)")
        }
        let outside = askedList.subtracting(allowed)
        guard outside.cpus.isEmpty else {
            throw CgroupError(
                "cpuset \(asked) asks for CPU\(outside.cpus.count > 1 ? "s" : "") \(outside), which this machine does not offer here (allowed: \(allowed))"
            )
        }
    }

    /// Adds which hierarchy failed and, when it is about permissions, what would help.
    static func explained(_ error: CgroupError, _ hierarchy: CgroupHierarchy) -> CgroupError {
        let names = hierarchy.enforcing.sorted().map(\.rawValue).joined(separator: ",")
        var text =
            "cannot enforce the \(names) limit\(hierarchy.enforcing.count > 1 ? "s" : "") with cgroup \(hierarchy.version.rawValue): \(error.message)"
        if geteuid() != 0, error.code == EACCES || error.code == EPERM {
            text += " (not running as root; cgroup limits need root or a cgroup delegated to this user)"
        }
        return CgroupError(text)
    }
}
