import Glibc

extension CgroupLimiter {
    /// Removes cell cgroups left by an earlier Barrage process that died before removing them
    /// (crash, SIGKILL): in every hierarchy's `barrage` parent, each `<cellID>-<pid>` whose
    /// creating process `pid` no longer exists is emptied (SIGKILL) and removed.
    ///
    /// Cgroups of a living process are left alone even when empty: they may be between
    /// creation and `cgexec`, and removing them would break that cell. A pid reused by an
    /// unrelated process keeps its leftover until that process is gone too; an empty cgroup
    /// costs nothing meanwhile. Returns the directories removed.
    @discardableResult
    public static func sweepStale() -> [String] {
        var removed: [String] = []
        var parents: [String] = []
        for mount in CgroupMount.current() where mount.version == .v2 || !mount.controllers.isEmpty {
            let parent = mount.mountPoint + "/" + CgroupPlanner.parentName
            if !parents.contains(parent) { parents.append(parent) }
        }
        for parent in parents {
            for name in CgroupFiles.subdirectories(parent) {
                guard let owner = ownerPID(ofDirectoryName: name), owner != getpid(), !isAlive(owner) else { continue }
                let directory = parent + "/" + name
                if (try? CgroupTeardown.remove(directory)) != nil { removed.append(directory) }
            }
        }
        return removed
    }

    /// Whether a process exists (EPERM: it does, it is just not ours to signal).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
