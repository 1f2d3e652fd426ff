/// Every timeout of the coordinator's shutdown, in one table, so that how long a stop may take
/// is read in one place: a cell's workers (`CellTimeouts` takes its two from here), the ssh
/// master connections, and the reaper that closes them if the coordinator is killed.
public struct ShutdownTimeouts: Equatable, Sendable {
    /// After a cell's control channels close, how long its workers get to exit before SIGKILL.
    public var gracefulExitMs: UInt64
    /// After SIGKILL, how long to wait for the exits before giving up on them.
    public var killMs: UInt64
    /// At the run's end, how long `ssh -O exit` gets to close one host's master connection.
    public var masterExitMs: UInt64
    /// How often `barrage ssh-reaper` looks whether the coordinator is gone.
    public var reaperPollMs: UInt64

    /// The table a run uses.
    public static let standard = ShutdownTimeouts(gracefulExitMs: 2_000, killMs: 1_000, masterExitMs: 5_000, reaperPollMs: 200)

    /// A table; tests give short ones.
    public init(gracefulExitMs: UInt64, killMs: UInt64, masterExitMs: UInt64, reaperPollMs: UInt64) {
        self.gracefulExitMs = gracefulExitMs
        self.killMs = killMs
        self.masterExitMs = masterExitMs
        self.reaperPollMs = reaperPollMs
    }
}
