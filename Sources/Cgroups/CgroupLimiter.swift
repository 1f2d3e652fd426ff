import Glibc
import Synchronization
import Topology

/// Enforces `Limits` on one cell's server process tree with cgroups, reads what the
/// tree used, and removes the cgroups afterwards.
///
/// Life of a cell:
/// 1. `preflight(limits)` before the run: the plan, or one line saying why the limits cannot
///    be enforced here (never run without them silently).
/// 2. `init(cellID:plan:)` creates `<hierarchy root>/barrage/<cellID>-<pid>` in each hierarchy
///    the plan uses and writes the limits into it; `pid` is this (the creating) process, so a
///    later `sweepStale()` can tell leftovers of a dead run from cgroups still in use.
/// 3. The server is started as `barrage cgexec --cgroup D1 --cgroup D2 … -- command`, one
///    `--cgroup` per entry of `directories`: it joins them, then execs, so the whole tree is
///    limited from its first instruction and every child inherits the cgroups.
/// 4. Readings (`memoryPeakBytes()`, `cpuSeconds()`, `oomKills()` …) at any time.
/// 5. `remove()` kills whatever is still inside and removes the directories; `deinit` does it
///    too if it was not done, so a cgroup cannot outlive its limiter.
///
/// Hierarchy roots are the mount points found in `/proc/self/mountinfo`; Barrage's parent
/// `barrage` cgroup is created there by `preflight` and removed by `remove()` once no cell is
/// left in it (a cell of another run keeps it; the next cell creates it again). v1 also gets a
/// cell cgroup in the `memory` and `cpuacct` hierarchies for figures when nothing is limited there.
public final class CgroupLimiter: Sendable {
    /// The plan this limiter follows.
    public let plan: CgroupPlan
    /// The cell's cgroup directories, one per hierarchy: the `--cgroup` arguments of `cgexec`.
    public let directories: [String]

    /// One created directory and the hierarchy it is in.
    struct Cell: Sendable {
        let hierarchy: CgroupHierarchy
        let directory: String
    }

    private struct State {
        /// Directories not removed yet.
        var remaining: [String]
        /// Highest `memory.current` seen, for v2 kernels without `memory.peak` (before 5.19).
        var observedPeak: UInt64 = 0
    }

    let cells: [Cell]
    private let state: Mutex<State>

    /// Whether `limits` can be enforced here, and how. Creates Barrage's parent cgroups (once,
    /// idempotent) so that "yes" is tested rather than guessed; the cells that follow use them,
    /// and the last one removes them. After a "no" no cell follows, so those left empty are
    /// removed at once. The failure is one line for a person: no cgroup filesystem, a
    /// controller missing, not writable (not root), a cpuset outside the CPUs allowed here, a
    /// value the kernel would refuse.
    ///
    /// With empty limits the plan only holds the hierarchies used for figures.
    public static func preflight(_ limits: Limits) -> Result<CgroupPlan, CgroupError> {
        let mounts = CgroupMount.current()
        let result = CgroupPlanner.plan(limits, mounts: mounts)
        if case .failure = result { removeParentsIfEmpty(CgroupPlanner.parents(mounts)) }
        return result
    }

    /// Runs `preflight(limits)`, then creates and configures the cell's cgroups.
    public convenience init(cellID: String, limits: Limits) throws(CgroupError) {
        try self.init(cellID: cellID, plan: Self.preflight(limits).get())
    }

    /// Creates and configures the cell's cgroups as `plan` says. Throws (having removed what
    /// it created) if a limit cannot be written; a hierarchy used only for figures that fails
    /// is left out instead.
    public init(cellID: String, plan: CgroupPlan) throws(CgroupError) {
        let name = Self.directoryName(cellID: cellID, pid: getpid())
        var cells: [Cell] = []
        do throws(CgroupError) {
            for hierarchy in plan.hierarchies {
                let directory = hierarchy.parent + "/" + name
                do throws(CgroupError) {
                    do throws(CgroupError) {
                        try CgroupFiles.makeDirectory(directory, existingIsFine: false)
                    } catch let error where error.code == ENOENT {
                        // The last cell of another run removed the empty parent since the
                        // plan was made: set it up again.
                        guard try CgroupPlanner.prepare(hierarchy, limits: plan.limits) != nil else { throw error }
                        try CgroupFiles.makeDirectory(directory, existingIsFine: false)
                    }
                    cells.append(Cell(hierarchy: hierarchy, directory: directory))
                    try Self.configure(directory, in: hierarchy, limits: plan.limits)
                } catch {
                    guard hierarchy.enforcing.isEmpty else { throw error }
                    if cells.last?.directory == directory {
                        try? CgroupTeardown.remove(directory)
                        cells.removeLast()
                    }
                }
            }
        } catch {
            for cell in cells.reversed() { try? CgroupTeardown.remove(cell.directory) }
            throw CgroupError("cannot set up the cgroups of cell \(cellID): \(error.message)", code: error.code)
        }
        self.plan = plan
        self.cells = cells
        self.directories = cells.map(\.directory)
        self.state = Mutex(State(remaining: cells.map(\.directory)))
    }

    deinit {
        try? remove()
    }

    /// Writes the limit files of a new cell directory.
    static func configure(_ directory: String, in hierarchy: CgroupHierarchy, limits: Limits) throws(CgroupError) {
        var controllers = hierarchy.controllers
        var parentCPUs: String?
        var parentMems: String?
        if hierarchy.version == .v1, hierarchy.mountControllers.contains(.cpuset) {
            // Even when cpuset is not asked for, a co-mounted one must be filled in to admit tasks.
            controllers.insert(.cpuset)
            parentCPUs = CgroupFiles.readLine(hierarchy.file(hierarchy.parent, "cpuset.cpus"))
            parentMems = CgroupFiles.readLine(hierarchy.file(hierarchy.parent, "cpuset.mems"))
        }
        let settings = CgroupSetting.settings(
            for: limits, version: hierarchy.version, controllers: controllers,
            parentCPUs: parentCPUs, parentMems: parentMems)
        for setting in settings {
            let path = hierarchy.file(directory, setting.file)
            if setting.onlyIfPresent, !CgroupFiles.exists(path) { continue }
            try CgroupFiles.write(path, setting.value)
        }
    }

    /// `<cellID>-<pid>`, the cell ID reduced to letters, digits, `_`, `.` and `-` (a cgroup is
    /// a directory: no `/`, and nothing a shell or a log would trip on).
    static func directoryName(cellID: String, pid: Int32) -> String {
        var safe = String(
            cellID.prefix(100).map { character -> Character in
                character.isASCII && (character.isLetter || character.isNumber || "_.-".contains(character)) ? character : "_"
            })
        if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { safe = "cell" }
        return "\(safe)-\(pid)"
    }

    /// The creating process of a directory named by `directoryName`; nil if not one of ours.
    static func ownerPID(ofDirectoryName name: String) -> Int32? {
        guard let dash = name.lastIndex(of: "-"), let pid = Int32(name[name.index(after: dash)...]), pid > 0 else { return nil }
        return pid
    }

    /// The cell directory of the hierarchy holding `controller`, if any.
    func directory(for controller: CgroupController) -> Cell? {
        cells.first { $0.hierarchy.controllers.contains(controller) }
    }

    /// Processes (thread-group ids) in the cell now, from its first cgroup; empty once the
    /// whole tree has exited.
    public func processes() -> [Int32] {
        cells.first.map { CgroupFiles.processes($0.directory) } ?? []
    }

    /// Memory the cell's processes use now (page cache included, as the kernel charges it);
    /// nil without a memory hierarchy.
    public func memoryUsageBytes() -> UInt64? {
        guard let cell = directory(for: .memory) else { return nil }
        let name = cell.hierarchy.version == .v1 ? "memory.usage_in_bytes" : "memory.current"
        guard let bytes = CgroupFiles.readNumber(cell.hierarchy.file(cell.directory, name)) else { return nil }
        state.withLock { $0.observedPeak = max($0.observedPeak, bytes) }
        return bytes
    }

    /// The highest memory use since the cell was created: v1 `memory.max_usage_in_bytes`,
    /// v2 `memory.peak`, or on v2 kernels before 5.19 the highest value seen by this and
    /// `memoryUsageBytes()` calls (so only as fine as they are frequent). nil without a
    /// memory hierarchy.
    public func memoryPeakBytes() -> UInt64? {
        guard let cell = directory(for: .memory) else { return nil }
        let name = cell.hierarchy.version == .v1 ? "memory.max_usage_in_bytes" : "memory.peak"
        if let bytes = CgroupFiles.readNumber(cell.hierarchy.file(cell.directory, name)) { return bytes }
        guard let current = memoryUsageBytes() else { return nil }
        return state.withLock { max($0.observedPeak, current) }
    }

    /// CPU time used by the cell's processes, living and exited, in seconds: v1
    /// `cpuacct.usage`, v2 `cpu.stat` `usage_usec`. nil without accounting.
    public func cpuSeconds() -> Double? {
        if plan.version == .v2, let cell = cells.first {
            return CgroupFiles.readKeyed(cell.directory + "/cpu.stat", key: "usage_usec").map { Double($0) / 1e6 }
        }
        guard let cell = directory(for: .cpuacct) else { return nil }
        return CgroupFiles.readNumber(cell.hierarchy.file(cell.directory, "cpuacct.usage")).map { Double($0) / 1e9 }
    }

    /// How many processes the kernel's OOM killer killed in the cell: v2 `memory.events`
    /// `oom_kill`, v1 `memory.oom_control` `oom_kill` (Linux 4.13+). On older v1 kernels it
    /// is `memory.failcnt`, the number of times usage hit the limit: a signal that the limit
    /// bit, not a count of kills. nil without a memory hierarchy.
    public func oomKills() -> UInt64? {
        guard let cell = directory(for: .memory) else { return nil }
        if cell.hierarchy.version == .v2 {
            return CgroupFiles.readKeyed(cell.directory + "/memory.events", key: "oom_kill")
        }
        return CgroupFiles.readKeyed(cell.hierarchy.file(cell.directory, "memory.oom_control"), key: "oom_kill")
            ?? CgroupFiles.readNumber(cell.hierarchy.file(cell.directory, "memory.failcnt"))
    }

    /// Kills any process still in the cell (SIGKILL, until none is left, at most 5 s per
    /// directory) and removes its directories. Idempotent; after a failure a later call
    /// retries what is left. Throws the first failure after trying every directory.
    public func remove() throws(CgroupError) {
        let remaining = state.withLock { $0.remaining }
        var failure: CgroupError?
        var gone: [String] = []
        for directory in remaining.reversed() {
            do throws(CgroupError) {
                try CgroupTeardown.remove(directory)
                gone.append(directory)
            } catch {
                failure = failure ?? error
            }
        }
        let left = state.withLock { state in
            state.remaining.removeAll { gone.contains($0) }
            return state.remaining.count
        }
        if let failure { throw failure }
        if left == 0 { Self.removeParentsIfEmpty(cells.map(\.hierarchy.parent)) }
    }

    /// Removes Barrage's parent cgroup in each hierarchy if no cell is left in it, so a run
    /// leaves nothing behind. The kernel refuses to remove a cgroup with children (EBUSY), so a
    /// parent another run's cell is in stays. A parent owned by another user (delegated to
    /// them) is theirs and stays too.
    static func removeParentsIfEmpty(_ parents: [String]) {
        var seen: Set<String> = []
        for parent in parents where seen.insert(parent).inserted {
            var info = stat()
            guard stat(parent, &info) == 0, info.st_uid == geteuid() else { continue }
            guard CgroupFiles.subdirectories(parent).isEmpty else { continue }
            // EBUSY or ENOTEMPTY: a cell appeared meanwhile; it is welcome to the parent.
            _ = rmdir(parent)
        }
    }
}
