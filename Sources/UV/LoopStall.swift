#if canImport(Glibc)
    import Glibc
#endif

/// A test knob's loop stall, one per loop thread: every `periodNs` the loop thread sleeps
/// `durationNs` inside a timer callback, so nothing on that loop happens meanwhile. The known-
/// answer server's (`BARRAGE_BUILTIN_STALL`: accepting, reading, answering stop, like a server in
/// a long GC pause) and the load generator's own (`BARRAGE_TEST_CLIENT_STALL`: a stalled
/// generator, which must never pass for a server pause). Stalls start at multiples of the
/// period on the monotonic clock, so every thread of a process freezes at the same moments.
public final class LoopStall {
    private let timer: Timer
    private let durationNs: UInt64
    private let periodNs: UInt64
    private let loop: Loop

    /// Starts stalling `loop`.
    public init(loop: Loop, durationNs: UInt64, periodNs: UInt64) throws {
        self.loop = loop
        self.durationNs = durationNs
        self.periodNs = periodNs
        timer = try Timer(loop: loop)
        armForNextStall()
    }

    private func armForNextStall() {
        loop.updateTime()
        let now = Loop.hrtime()
        let next = (now / periodNs + 1) * periodNs
        // Rounded up, and the stall waits for the exact moment itself.
        let waitMs = (next - now + 999_999) / 1_000_000
        try? timer.start(after: waitMs) { [unowned self] in self.stall(at: next) }
    }

    private func stall(at startNs: UInt64) {
        let end = max(Loop.hrtime(), startNs) &+ durationNs
        // The freeze itself: the loop thread sleeps and serves nothing until `end`.
        while true {
            let now = Loop.hrtime()
            guard now < end else { break }
            let left = end - now
            var pause = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            nanosleep(&pause, nil)
        }
        armForNextStall()
    }

    /// Stops stalling.
    public func close() {
        timer.close()
    }
}
