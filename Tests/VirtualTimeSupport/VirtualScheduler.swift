/// Virtual time for an executor under test: steps fire in the order of their due times (ties
/// in the order they were armed) and the clock jumps to each, so a 20 s timeout runs in
/// microseconds and every time the code under test reads is exact. Shared by the worker
/// agent's and the server runner's virtual-time tests; the coordinator's `VirtualClock` drives
/// a real libuv loop instead, because RunDriver's I/O is real there.
public final class VirtualScheduler {
    /// One step its owner arms, re-arms or cancels, like a timer.
    public final class Event {
        fileprivate var due: UInt64?
        fileprivate var order = 0
        fileprivate var interval: UInt64 = 0
        fileprivate var fire: (() -> Void)?

        fileprivate init() {}
    }

    /// Virtual milliseconds since the test began.
    public private(set) var nowMs: UInt64 = 0
    /// The armed events.
    private var armed: [Event] = []
    private var sequence = 0

    /// A clock at 0 with nothing armed.
    public init() {}

    /// An event to arm later (a timer's or a probe's).
    public func makeEvent() -> Event { Event() }

    /// Fires `fire` `milliseconds` from now, then every `interval` ms if it is not 0, until
    /// cancelled; arming an armed event moves it.
    public func arm(_ event: Event, after milliseconds: UInt64, repeat interval: UInt64 = 0, _ fire: @escaping () -> Void) {
        if event.due == nil { armed.append(event) }
        sequence += 1
        event.due = nowMs + milliseconds
        event.order = sequence
        event.interval = interval
        event.fire = fire
    }

    /// Disarms `event`; it may be armed again.
    public func cancel(_ event: Event) {
        guard event.due != nil else { return }
        event.due = nil
        armed.removeAll { $0 === event }
    }

    /// Runs `step` `milliseconds` from now.
    public func after(_ milliseconds: UInt64, _ step: @escaping () -> Void) {
        arm(Event(), after: milliseconds, step)
    }

    /// Runs `step` every `milliseconds` from now on, while it returns true.
    public func every(_ milliseconds: UInt64, _ step: @escaping () -> Bool) {
        after(milliseconds) { [unowned self] in
            if step() { self.every(milliseconds, step) }
        }
    }

    /// Fires due events in order until `done()` holds or `limitMs` of virtual time pass; true
    /// when `done()` held. The clock stays at the last event fired.
    @discardableResult
    public func run(until done: () -> Bool, limitMs: UInt64 = 120_000) -> Bool {
        let end = nowMs + limitMs
        while !done() {
            guard let next = armed.min(by: { ($0.due!, $0.order) < ($1.due!, $1.order) }), next.due! <= end else {
                return false
            }
            nowMs = max(nowMs, next.due!)
            let fire = next.fire
            if next.interval > 0 {
                next.due = next.due! + next.interval
                sequence += 1
                next.order = sequence
            } else {
                cancel(next)
            }
            fire?()
        }
        return true
    }

    /// Fires every event due up to `endMs`, in order; the clock ends at `endMs`.
    public func run(until endMs: UInt64) {
        if endMs > nowMs { run(until: { false }, limitMs: endMs - nowMs) }
        nowMs = max(nowMs, endMs)
    }

    /// Runs `limitMs` of virtual time.
    public func run(forMs limitMs: UInt64) {
        run(until: nowMs + limitMs)
    }
}
