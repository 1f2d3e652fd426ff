import Testing
import Topology

@testable import Cgroups

#if canImport(Glibc)
    import Glibc
#endif

/// Real cgroups: these run as root (here and in CI). Serialized, because the CPU test
/// measures shares of a core and must not compete with the others' processes. Another user
/// cannot make cgroups under /sys/fs/cgroup: skipped then, with the reason, rather than failed
/// (as root on a machine without usable cgroups they still fail, naming why).
@Suite(
    .serialized, .timeLimit(.minutes(1)),
    .enabled(if: geteuid() == 0, "needs root: it creates cgroups under /sys/fs/cgroup (run `make test` as root)"))
struct CgroupLimiterTests {
    static let mebibyte: UInt64 = 1024 * 1024

    @Test func aCellCgroupGetsTheAskedValuesAndIsRemoved() throws {
        let limits = Limits(cpus: 0.5, memoryBytes: 64 * Self.mebibyte, cpuset: "0")
        guard let limiter = CgroupTestSupport.limiter("values", limits) else { return }
        defer { try? limiter.remove() }
        #expect(!limiter.directories.isEmpty)
        for directory in limiter.directories { #expect(CgroupFiles.exists(directory), "\(directory)") }

        func value(_ controller: CgroupController, _ file: String) -> String? {
            limiter.directory(for: controller).flatMap { CgroupFiles.readLine($0.hierarchy.file($0.directory, file)) }
        }
        switch limiter.plan.version {
        case .v1:
            #expect(value(.cpu, "cpu.cfs_period_us") == "100000")
            #expect(value(.cpu, "cpu.cfs_quota_us") == "50000")
            #expect(value(.memory, "memory.limit_in_bytes") == String(64 * Self.mebibyte))
            if let memsw = value(.memory, "memory.memsw.limit_in_bytes") { #expect(memsw == String(64 * Self.mebibyte)) }
            #expect(value(.cpuset, "cpuset.cpus") == "0")
            #expect(value(.cpuset, "cpuset.mems")?.isEmpty == false, "a v1 cpuset needs mems to admit tasks")
            #expect(limiter.directory(for: .cpuacct) != nil, "cpuacct is mounted here, so the cell is accounted")
        case .v2:
            #expect(value(.cpu, "cpu.max") == "50000 100000")
            #expect(value(.memory, "memory.max") == String(64 * Self.mebibyte))
            if let swap = value(.memory, "memory.swap.max") { #expect(swap == "0") }
            #expect(value(.cpuset, "cpuset.cpus") == "0")
        }
        #expect(limiter.memoryUsageBytes() == 0)
        #expect(limiter.oomKills() == 0)

        try limiter.remove()
        for directory in limiter.directories { #expect(!CgroupFiles.exists(directory), "\(directory) left behind") }
        try limiter.remove()  // idempotent
    }

    @Test func theEmptyParentGoesWithTheLastCellAndStaysForAnother() throws {
        guard let first = CgroupTestSupport.limiter("parent-a", Limits(cpus: 0.5)),
            let second = CgroupTestSupport.limiter("parent-b", Limits(cpus: 0.5))
        else { return }
        defer {
            try? first.remove()
            try? second.remove()
        }
        let parents = Set(first.cells.map(\.hierarchy.parent))
        #expect(!parents.isEmpty)
        try first.remove()
        for parent in parents { #expect(CgroupFiles.exists(parent), "the other cell is still in \(parent)") }
        for directory in second.directories { #expect(CgroupFiles.exists(directory), "\(directory)") }
        try second.remove()
        for parent in parents {
            // Gone, unless a cell of another run is in it (other checkouts test on this machine too).
            #expect(!CgroupFiles.exists(parent) || !CgroupFiles.subdirectories(parent).isEmpty, "\(parent) was left behind empty")
        }
        // A plan made before another run's last cell removed the parent still works: the cell
        // sets the parent up again.
        // A refused preflight leaves no empty parent behind either: no cell follows it.
        guard case .failure = CgroupLimiter.preflight(Limits(cpus: 0.5, cpuset: "4095")) else {
            Issue.record("cpuset 4095 should be refused on this machine")
            return
        }
        for parent in CgroupPlanner.parents(CgroupMount.current()) {
            #expect(!CgroupFiles.exists(parent) || !CgroupFiles.subdirectories(parent).isEmpty, "\(parent) was left behind empty")
        }
        guard let plan = CgroupTestSupport.plan(Limits(cpus: 0.5)) else { return }
        CgroupLimiter.removeParentsIfEmpty(plan.hierarchies.map(\.parent))
        let third = try CgroupLimiter(cellID: "test-parent-c-\(UInt32.random(in: 0...UInt32.max))", plan: plan)
        defer { try? third.remove() }
        for directory in third.directories { #expect(CgroupFiles.exists(directory), "\(directory)") }
    }

    @Test func removeKillsWhatIsStillInside() throws {
        guard let barrage = CgroupTestSupport.barrage(),
            let limiter = CgroupTestSupport.limiter("remove", Limits(cpus: 1, memoryBytes: 256 * Self.mebibyte))
        else { return }
        defer { try? limiter.remove() }
        // A parent shell with a child: remove() must get the whole tree, not just the top.
        let child = try Spawned(CgroupTestSupport.cgexec(barrage, limiter, ["sh", "-c", "sleep 30 & sleep 30; wait"]))
        defer { child.stop() }
        #expect(
            CgroupTestSupport.eventually(timeout: 10) { limiter.processes().count >= 2 },
            "the shell and its sleep should be inside, found \(limiter.processes())")

        let start = CgroupTeardown.monotonicSeconds()
        try limiter.remove()
        #expect(child.wait(timeout: 5) == .signaled(SIGKILL))
        #expect(CgroupTeardown.monotonicSeconds() - start < 5)
        for directory in limiter.directories { #expect(!CgroupFiles.exists(directory), "\(directory) left behind") }
    }

    @Test func cgexecPlacesTheProcessInEveryCgroup() throws {
        guard let barrage = CgroupTestSupport.barrage(),
            let limiter = CgroupTestSupport.limiter("cgexec", Limits(cpus: 1.5, memoryBytes: 256 * Self.mebibyte))
        else { return }
        defer { try? limiter.remove() }
        let child = try Spawned(CgroupTestSupport.cgexec(barrage, limiter, ["sleep", "30"]))
        defer { child.stop() }
        // cgexec joins first and execs second: once it is `sleep`, it must be inside already.
        #expect(CgroupTestSupport.eventually(timeout: 10) { CgroupFiles.readLine("/proc/\(child.pid)/comm") == "sleep" })
        #expect(limiter.processes() == [child.pid])
        let memberships = CgroupFiles.read("/proc/\(child.pid)/cgroup") ?? ""
        for cell in limiter.cells {
            let relative = String(cell.directory.dropFirst(cell.hierarchy.mountPoint.count))
            let line = memberships.split(separator: "\n").first { line in
                line.hasSuffix(":" + relative)
                    && (cell.hierarchy.version == .v2
                        ? line.hasPrefix("0::")
                        : cell.hierarchy.controllers.allSatisfy {
                            line.split(separator: ":")[1].split(separator: ",").contains(Substring($0.rawValue))
                        })
            }
            #expect(line != nil, "\(relative) not in /proc/\(child.pid)/cgroup:\n\(memberships)")
        }
    }

    @Test func cgexecFailsLikeEnv() throws {
        guard let barrage = CgroupTestSupport.barrage() else { return }
        let stderr = "/tmp/barrage-cgexec-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(stderr) }
        let cases: [([String], Int32, String)] = [
            (
                [barrage, "cgexec", "--", "barrage-no-such-command"], 127,
                "barrage cgexec: barrage-no-such-command: command not found"
            ),
            ([barrage, "cgexec", "--", "/etc/passwd"], 126, "barrage cgexec: /etc/passwd: Permission denied"),
            (
                [barrage, "cgexec", "--cgroup", "/nonexistent", "--", "true"], 125,
                "barrage cgexec: cannot join cgroup /nonexistent"
            ),
            ([barrage, "cgexec", "--"], 125, "barrage cgexec: no command given after --")
        ]
        for (arguments, status, message) in cases {
            let child = try Spawned(arguments, stderrPath: stderr)
            #expect(child.wait(timeout: 10) == .exited(status), "\(arguments)")
            let text = CgroupFiles.read(stderr) ?? ""
            #expect(text.hasPrefix(message), "\(arguments): \(text)")
            #expect(text.split(separator: "\n").count == 1, "one line: \(text)")
        }
    }

    @Test func preflightSaysWhyAnImpossibleCpusetCannotBeHad() {
        guard case .failure(let error) = CgroupLimiter.preflight(Limits(cpuset: "0-999")) else {
            Issue.record("cpuset 0-999 was accepted on a machine with \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs")
            return
        }
        #expect(error.message.contains("cpuset 0-999 asks for CPUs"), "\(error)")
        #expect(error.message.contains("allowed: 0"), "\(error)")
        #expect(!error.message.contains("\n"))

        guard case .failure(let syntax) = CgroupLimiter.preflight(Limits(cpuset: "two")) else {
            Issue.record("cpuset 'two' was accepted")
            return
        }
        #expect(syntax.message == "cpuset 'two' is not a CPU list like 0-1 or 0,2")
        guard case .failure(let tiny) = CgroupLimiter.preflight(Limits(cpus: 0.001)) else {
            Issue.record("cpus 0.001 was accepted")
            return
        }
        #expect(tiny.message.contains("smallest CPU quota"))
    }

    @Test func preflightAcceptsWhatThisMachineCanDo() {
        guard let plan = CgroupTestSupport.plan(Limits(cpus: 0.5, memoryBytes: 64 * Self.mebibyte, cpuset: "0")) else { return }
        let enforcing = plan.hierarchies.reduce(into: Set<CgroupController>()) { $0.formUnion($1.enforcing) }
        #expect(enforcing == [.cpu, .memory, .cpuset], "\(plan.summary)")
        for hierarchy in plan.hierarchies { #expect(CgroupFiles.exists(hierarchy.parent)) }
    }

    @Test func sweepStaleRemovesOnlyLeftoversOfDeadProcesses() throws {
        guard let plan = CgroupTestSupport.plan(Limits(memoryBytes: 64 * Self.mebibyte)) else { return }
        // A pid that certainly was a process and is gone now.
        let gone = try Spawned(["true"])
        #expect(gone.wait(timeout: 5) == .exited(0))
        let tag = UInt32.random(in: 0...UInt32.max)
        let stale = plan.hierarchies.map { "\($0.parent)/test-stale-\(tag)-\(gone.pid)" }
        let live = plan.hierarchies.map { "\($0.parent)/test-live-\(tag)-1" }  // pid 1 is always alive
        defer { for directory in stale + live { rmdir(directory) } }
        for directory in stale + live { try CgroupFiles.makeDirectory(directory, existingIsFine: false) }

        let removed = CgroupLimiter.sweepStale()
        for directory in stale {
            #expect(removed.contains(directory))
            #expect(!CgroupFiles.exists(directory))
        }
        for directory in live { #expect(CgroupFiles.exists(directory), "a living owner's cgroup was swept") }
    }
}
