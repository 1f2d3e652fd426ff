/// The driver's time: the wall clock its timestamps read and the timers its cells run on.
/// The real one is the libuv loop's (`LoopClock`); tests pass one that runs in virtual time.
public protocol RunClock: AnyObject {
    /// Seconds since 1970-01-01 UTC, for the run's `started` timestamp.
    func secondsSinceEpoch() -> Int64
    /// A new timer on this clock.
    func makeTimer() throws -> any RunTimer
    /// Milliseconds on a monotonic clock (any origin): how long since the last heartbeat.
    func monotonicMs() -> UInt64
}

/// One timer: armed again, it replaces its earlier arming.
public protocol RunTimer: AnyObject {
    /// Calls `fire` after `milliseconds`, then every `repeat` ms when that is not 0.
    func start(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) throws
    /// Disarms it.
    func stop()
}
