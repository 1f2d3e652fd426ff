import CUV

/// A libuv timer (`uv_timer_t`). The callback runs on the loop thread.
public final class Timer: Handle {
    private var callback: (() -> Void)?

    /// Creates a stopped timer on `loop` (`uv_timer_init`).
    public init(loop: Loop) throws {
        super.init(loop: loop, type: UV_TIMER)
        try initialize("uv_timer_init") { uv_timer_init(loop.pointer, timer) }
    }

    private var timer: UnsafeMutablePointer<uv_timer_t> {
        raw.assumingMemoryBound(to: uv_timer_t.self)
    }

    /// Starts (or restarts) the timer: `callback` runs after `ms` milliseconds, then every
    /// `repeat` ms if that is non-zero. Replaces any previous callback. A one-shot timer drops
    /// its callback when it fires, so captures are released as early as possible.
    public func start(after ms: UInt64, repeat: UInt64 = 0, _ callback: @escaping () -> Void) throws {
        try checkOpen("uv_timer_start")
        let previous = self.callback
        self.callback = callback
        do {
            try uvCheck(
                "uv_timer_start",
                uv_timer_start(
                    timer,
                    { timer in
                        guard let data = timer?.pointee.data else { return }
                        let this = Unmanaged<Timer>.fromOpaque(data).takeUnretainedValue()
                        guard let callback = this.callback else { return }
                        // Drop a one-shot callback before calling it, so a restart from inside the
                        // callback (which installs a new one) is not undone afterwards.
                        if uv_timer_get_repeat(timer) == 0 { this.callback = nil }
                        callback()
                    }, ms, `repeat`))
        } catch {
            // A failed call never calls its callback: do not keep it.
            self.callback = previous
            throw error
        }
    }

    /// Stops the timer (`uv_timer_stop`) and drops its callback. Stopping a stopped or closed
    /// timer is a no-op.
    public func stop() {
        guard state == .open else { return }
        uv_timer_stop(timer)
        callback = nil
    }

    override func dropCallbacks() {
        callback = nil
        super.dropCallbacks()
    }
}
