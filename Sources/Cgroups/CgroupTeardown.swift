import Glibc

/// Empties and removes one cell cgroup: what `CgroupLimiter.remove()` and `sweepStale()` do
/// to each directory.
enum CgroupTeardown {
    /// How long processes get to die before removal gives up. SIGKILL cannot be caught, so
    /// only a process stuck in the kernel (uninterruptible I/O) outlasts this.
    static let timeoutSeconds = 5.0

    /// Kills every process still inside `directory` (SIGKILL, repeated until `cgroup.procs`
    /// is empty, since a process may fork between reading and killing), then removes it.
    /// A directory already gone is fine.
    static func remove(_ directory: String, timeoutSeconds: Double = timeoutSeconds) throws(CgroupError) {
        guard CgroupFiles.exists(directory) else { return }
        // v2 (Linux 5.14+) kills the whole subtree in one write, forks included.
        if CgroupFiles.exists(directory + "/cgroup.kill") { try? CgroupFiles.write(directory + "/cgroup.kill", "1") }
        let deadline = monotonicSeconds() + timeoutSeconds
        while true {
            let inside = CgroupFiles.processes(directory)
            if inside.isEmpty {
                if rmdir(directory) == 0 || errno == ENOENT { return }
                // EBUSY: the last process is still leaving; anything else will not get better.
                guard errno == EBUSY else {
                    throw CgroupError("cannot remove \(directory): \(CgroupFiles.lastError())", code: errno)
                }
            }
            // 0 stands for a process of another pid namespace: kill(0) would hit this process group.
            for pid in inside where pid > 1 { kill(pid, SIGKILL) }
            guard monotonicSeconds() < deadline else {
                let pids = inside.isEmpty ? "" : " (pids " + inside.prefix(5).map(String.init).joined(separator: " ") + ")"
                throw CgroupError("cannot remove \(directory): still busy after \(Int(timeoutSeconds)) s\(pids)", code: EBUSY)
            }
            usleep(5_000)
        }
    }

    /// Seconds on a clock that does not jump, for deadlines.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
