import Testing
import Topology

@testable import Cgroups
@testable import ProcessSampler

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers of the tests that use real cgroups (as root, here and in CI).
enum CgroupTestSupport {
    /// The plan for `limits`, or nil after recording why cgroups cannot be used: a machine
    /// without usable cgroups fails these tests with the reason, it does not pass them.
    static func plan(_ limits: Limits, sourceLocation: SourceLocation = #_sourceLocation) -> CgroupPlan? {
        switch CgroupLimiter.preflight(limits) {
        case .success(let plan):
            return plan
        case .failure(let error):
            Issue.record(
                "cgroups are not usable here, so limits cannot be tested: \(error.message)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A limiter for a cell ID unique to this test run, or nil after recording why not.
    static func limiter(_ name: String, _ limits: Limits, sourceLocation: SourceLocation = #_sourceLocation) -> CgroupLimiter? {
        guard let plan = plan(limits, sourceLocation: sourceLocation) else { return nil }
        do {
            return try CgroupLimiter(cellID: "test-\(name)-\(UInt32.random(in: 0...UInt32.max))", plan: plan)
        } catch {
            Issue.record("cannot create the cell cgroups: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The `barrage` binary: `$BARRAGE_BIN`, else next to the test bundle (SwiftPM builds
    /// the executable into the same folder), else the usual build folders of this checkout.
    static func barrage(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        var candidates: [String] = []
        if let value = getenv("BARRAGE_BIN"), !String(cString: value).isEmpty { candidates.append(String(cString: value)) }
        // On Linux the test bundle is an executable in the build folder, next to `barrage`.
        if let me = readLink("/proc/self/exe"), let slash = me.lastIndex(of: "/") {
            candidates.append(String(me[..<slash]) + "/barrage")
        }
        let root = String(#filePath).components(droppingLast: 3)
        candidates += [root + "/.build-cg/debug/barrage", root + "/.build/debug/barrage"]
        if let found = candidates.first(where: { access($0, X_OK) == 0 }) { return found }
        Issue.record(
            "no barrage binary to run `barrage cgexec` with (looked at \(candidates.joined(separator: ", "))); build it first",
            sourceLocation: sourceLocation)
        return nil
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `barrage cgexec --cgroup … -- command…` for `limiter`'s cell.
    static func cgexec(_ barrage: String, _ limiter: CgroupLimiter, _ command: [String]) -> [String] {
        [barrage, "cgexec"] + limiter.directories.flatMap { ["--cgroup", $0] } + ["--"] + command
    }

    /// User + system CPU ticks of one process, from /proc.
    static func cpuTicks(_ pid: Int32) -> UInt64? {
        guard let text = ProcessTreeSampler.readSmallFile("/proc/\(pid)/stat"), let stat = ProcStat(Substring(text)) else {
            return nil
        }
        return stat.cpuTicks
    }

    /// The share of one core `pid` used over `seconds`, from /proc (user + system ticks).
    static func coreShare(_ pid: Int32, over seconds: Double) -> Double? {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let start = CgroupTeardown.monotonicSeconds()
        guard let before = cpuTicks(pid) else { return nil }
        usleep(UInt32(seconds * 1e6))
        guard let after = cpuTicks(pid) else { return nil }
        let elapsed = CgroupTeardown.monotonicSeconds() - start
        return Double(after - before) / ticksPerSecond / elapsed
    }

    /// Waits until `condition` holds, at most `timeout` seconds; whether it did.
    static func eventually(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = CgroupTeardown.monotonicSeconds() + timeout
        while !condition() {
            if CgroupTeardown.monotonicSeconds() > deadline { return false }
            usleep(10_000)
        }
        return true
    }
}

extension String {
    /// The path without its last `count` components.
    fileprivate func components(droppingLast count: Int) -> String {
        var path = self
        for _ in 0..<count { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }
}
