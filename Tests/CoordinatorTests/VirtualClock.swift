import UV

@testable import Coordinator

/// Time for a `RunDriver` under test: timers fire in the order of their virtual deadlines, one
/// per turn of the real loop, and the clock jumps to each deadline — a cell with a 10 s window
/// runs in milliseconds, and the figures it reads are exact.
final class VirtualClock: RunClock {
    /// Virtual milliseconds since the run started.
    private(set) var nowMs: UInt64 = 0
    let startEpochSeconds: Int64
    private var timers: [VirtualTimer] = []
    private let pump: UV.Timer

    init(loop: Loop, startEpochSeconds: Int64) {
        self.startEpochSeconds = startEpochSeconds
        pump = try! UV.Timer(loop: loop)
        // A real 0 ms timer, re-armed each turn: the loop handles whatever I/O is ready between
        // two virtual events, so events that do not depend on each other still interleave.
        try! pump.start(after: 0, repeat: 1) { [unowned self] in self.fireNext() }
    }

    func secondsSinceEpoch() -> Int64 {
        startEpochSeconds + Int64(nowMs / 1000)
    }

    func monotonicMs() -> UInt64 {
        nowMs
    }

    func makeTimer() throws -> any RunTimer {
        let timer = VirtualTimer(clock: self)
        timers.append(timer)
        return timer
    }

    /// Runs `fire` after `milliseconds` of virtual time.
    func after(_ milliseconds: UInt64, _ fire: @escaping () -> Void) {
        let timer = VirtualTimer(clock: self)
        timer.isOneShot = true
        timers.append(timer)
        timer.arm(after: milliseconds, repeat: 0, fire)
    }

    private var sequence = 0
    fileprivate func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    private func fireNext() {
        timers.removeAll { $0.due == nil && $0.isOneShot }
        guard let next = timers.filter({ $0.due != nil }).min(by: { ($0.due!, $0.order) < ($1.due!, $1.order) }) else { return }
        nowMs = max(nowMs, next.due!)
        next.fire()
    }
}

/// One timer of a `VirtualClock`.
final class VirtualTimer: RunTimer {
    private unowned let clock: VirtualClock
    fileprivate private(set) var due: UInt64?
    fileprivate private(set) var order = 0
    private var interval: UInt64 = 0
    private var callback: (() -> Void)?
    fileprivate var isOneShot = false

    init(clock: VirtualClock) {
        self.clock = clock
    }

    func start(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) throws {
        arm(after: milliseconds, repeat: `repeat`, fire)
    }

    fileprivate func arm(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) {
        due = clock.nowMs + milliseconds
        order = clock.nextSequence()
        interval = `repeat`
        callback = fire
    }

    func stop() {
        due = nil
    }

    fileprivate func fire() {
        guard let callback else { return }
        if interval > 0, let due {
            self.due = due + interval
            order = clock.nextSequence()
        } else {
            due = nil
        }
        callback()
    }
}
