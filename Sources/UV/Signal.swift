import CUV

/// A libuv signal watcher (`uv_signal_t`). The callback runs on the loop thread, so unlike a
/// raw signal handler it may do anything. libuv delivers a process-wide signal to every loop
/// watching it.
public final class Signal: Handle {
    private var callback: ((Int32) -> Void)?

    /// Creates an inactive signal watcher on `loop` (`uv_signal_init`).
    public init(loop: Loop) throws {
        super.init(loop: loop, type: UV_SIGNAL)
        try initialize("uv_signal_init") { uv_signal_init(loop.pointer, signal) }
    }

    private var signal: UnsafeMutablePointer<uv_signal_t> {
        raw.assumingMemoryBound(to: uv_signal_t.self)
    }

    /// Watches `signum` (`uv_signal_start`); `callback` gets the signal number each time it
    /// arrives. Restarting replaces the signal and the callback.
    public func start(_ signum: Int32, _ callback: @escaping (Int32) -> Void) throws {
        try checkOpen("uv_signal_start")
        let previous = self.callback
        self.callback = callback
        do {
            try uvCheck(
                "uv_signal_start",
                uv_signal_start(
                    signal,
                    { signal, signum in
                        guard let data = signal?.pointee.data else { return }
                        let this = Unmanaged<Signal>.fromOpaque(data).takeUnretainedValue()
                        // A local copy keeps the closure alive if it closes the watcher.
                        guard let callback = this.callback else { return }
                        callback(signum)
                    }, signum))
        } catch {
            self.callback = previous
            throw error
        }
    }

    /// Stops watching (`uv_signal_stop`) and drops the callback. Once no watcher for a signal
    /// remains, libuv restores its default disposition.
    public func stop() {
        guard state == .open else { return }
        uv_signal_stop(signal)
        callback = nil
    }

    override func dropCallbacks() {
        callback = nil
        super.dropCallbacks()
    }
}
