import UV

/// Where the load generator reads the time: the real monotonic clock (`uv_hrtime`, never the
/// loop's cached millisecond time, which lags by however long the current iteration ran),
/// or a test's hand-moved clock, so the open-loop scheduling is testable to the nanosecond.
public struct LoadClock: Sendable {
    /// Nanoseconds, monotonic.
    public let now: @Sendable () -> UInt64

    /// A clock reading `now`.
    public init(now: @escaping @Sendable () -> UInt64) {
        self.now = now
    }

    /// The real monotonic clock.
    public static let monotonic = LoadClock { Loop.hrtime() }
}
