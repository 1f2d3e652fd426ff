#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signals to a whole process group, and never to more: `kill(-1, …)` reaches every process
/// the user may signal and `kill(0, …)` the caller's own group, so a group id of 0 or 1 (a
/// worker's report gone wrong, a pid not yet known) signals nothing.
public enum ProcessGroup {
    /// Sends `signal` to group `group`; false when the group id is not one to signal or
    /// the call failed.
    @discardableResult
    public static func signal(_ group: Int32, _ signal: Int32) -> Bool {
        guard group > 1 else { return false }
        return kill(-group, signal) == 0
    }
}
