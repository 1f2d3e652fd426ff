import Glibc

/// CPU priority between the coordinator and the processes it measures: the coordinator's
/// rendering and file writing run at a lower priority (nice +5) than the workers and the
/// systems under test on the same host, so watching a run live does not move its figures.
public enum ProcessPriority {
    /// The coordinator's niceness while a run goes on.
    public static let coordinatorNice: Int32 = 5

    /// Lowers this process's priority (children inherit it: see `restoreForWorker`).
    public static func lowerCoordinator() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, coordinatorNice)
    }

    /// A local worker takes back the normal priority its niced coordinator passed on (allowed
    /// to root, or with RLIMIT_NICE; otherwise it keeps the coordinator's).
    public static func restoreForWorker() {
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if errno == 0, current > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 0) }
    }
}
