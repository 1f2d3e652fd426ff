import Glibc
import UV

/// The real clock: libuv timers on the driver's loop, and the system's wall clock.
public final class LoopClock: RunClock {
    private let loop: Loop

    /// Timers on `loop`.
    public init(loop: Loop) {
        self.loop = loop
    }

    public func secondsSinceEpoch() -> Int64 {
        Int64(time(nil))
    }

    public func makeTimer() throws -> any RunTimer {
        try LoopTimer(loop: loop)
    }

    public func monotonicMs() -> UInt64 {
        Loop.hrtime() / 1_000_000
    }
}

/// A libuv timer as a `RunTimer`.
final class LoopTimer: RunTimer {
    private let timer: Timer

    init(loop: Loop) throws {
        timer = try Timer(loop: loop)
    }

    func start(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) throws {
        try timer.start(after: milliseconds, repeat: `repeat`, fire)
    }

    func stop() {
        timer.stop()
    }
}
