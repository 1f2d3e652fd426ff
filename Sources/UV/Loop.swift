import CUV

/// An event loop: one `uv_loop_t` of its own (never libuv's default loop, so several loops —
/// e.g. one per test, or one per load-generator thread — never share state).
///
/// A loop and its handles are confined to the thread that runs it; only `Async.send()` may be
/// called from elsewhere. Every open handle keeps its loop alive, so the `uv_loop_t` outlives
/// all handle memory. Call `closeAll()` when done (or close every handle yourself): open handles
/// keep themselves alive and are otherwise never freed.
public final class Loop {
    /// How far `run(_:)` goes before returning (mirrors `uv_run_mode`).
    public enum RunMode {
        /// Run until no active, referenced handles remain or `stop()` is called.
        case `default`
        /// Poll for I/O once, blocking if there is nothing pending.
        case once
        /// Poll for I/O once without blocking.
        case noWait
    }

    /// The underlying loop; handles pass it to their `uv_*_init` calls.
    let pointer: UnsafeMutablePointer<uv_loop_t>
    /// Set once `uv_loop_close` succeeded; makes `closeAll()` idempotent and refuses new handles.
    private(set) var isClosed = false
    /// True while `run(_:)` is on the stack; `closeAll()` must not re-enter `uv_run`.
    private var isRunning = false

    /// Creates and initialises a fresh loop (`uv_loop_init`).
    public init() throws {
        let pointer = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
        do {
            try uvCheck("uv_loop_init", uv_loop_init(pointer))
        } catch {
            pointer.deallocate()
            throw error
        }
        self.pointer = pointer
    }

    /// One read buffer for every stream on this loop that opts in (`Stream.sharesLoopReadBuffer`):
    /// libuv reads one stream at a time on the loop thread and the bytes are only valid during
    /// the read callback, so at 10,000 connections one buffer does the work of 10,000.
    private var sharedReadStorage: UnsafeMutableRawBufferPointer?

    /// The shared read buffer, allocated on first use.
    var sharedReadBuffer: UnsafeMutableRawBufferPointer {
        if let sharedReadStorage { return sharedReadStorage }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Stream.defaultReadBufferSize, alignment: 16)
        sharedReadStorage = buffer
        return buffer
    }

    deinit {
        sharedReadStorage?.deallocate()
        // Every open or closing handle retains its loop, so nothing can still reference
        // `pointer` here; closeAll() only finishes the uv_loop_close if the user skipped it.
        closeAll()
        if isClosed { pointer.deallocate() }
        // If uv_loop_close still failed (EBUSY) the memory is leaked on purpose: libuv may
        // still touch it, and a leak beats a use-after-free.
    }

    /// Runs the loop (`uv_run`). Returns true if active handles or requests remain, i.e. the
    /// loop returned because of `stop()` or a `.once`/`.noWait` mode rather than running dry.
    @discardableResult
    public func run(_ mode: RunMode = .default) -> Bool {
        precondition(!isRunning, "Loop.run is not reentrant")
        precondition(!isClosed, "Loop.run after closeAll")
        isRunning = true
        defer { isRunning = false }
        let uvMode: uv_run_mode
        switch mode {
        case .default: uvMode = UV_RUN_DEFAULT
        case .once: uvMode = UV_RUN_ONCE
        case .noWait: uvMode = UV_RUN_NOWAIT
        }
        return uv_run(pointer, uvMode) != 0
    }

    /// Makes `run(_:)` return at the end of the current iteration (`uv_stop`).
    public func stop() {
        uv_stop(pointer)
    }

    /// The loop's cached "now" in milliseconds (`uv_now`); refreshed once per iteration.
    public var now: UInt64 { uv_now(pointer) }

    /// Refreshes the cached `now` (`uv_update_time`), for callbacks that run long.
    public func updateTime() {
        uv_update_time(pointer)
    }

    /// A monotonic clock in nanoseconds (`uv_hrtime`), unrelated to any loop.
    public static func hrtime() -> UInt64 {
        uv_hrtime()
    }

    /// Closes every open handle (`uv_walk` + `close()`), runs the loop until their close
    /// callbacks have run — pending write/connect/shutdown completions get `ECANCELED` —
    /// then closes the loop (`uv_loop_close`). Calling it again is a no-op.
    ///
    /// Call it from outside `run(_:)`, never from a callback: it runs the loop itself.
    public func closeAll() {
        guard !isClosed else { return }
        precondition(!isRunning, "Loop.closeAll must not be called from inside run()")
        while true {
            uv_walk(
                pointer,
                { handle, _ in
                    guard let handle, uv_is_closing(handle) == 0 else { return }
                    if let data = handle.pointee.data {
                        Unmanaged<Handle>.fromOpaque(data).takeUnretainedValue().close()
                    } else {
                        // Not one of ours (no owner object): close it without a callback.
                        uv_close(handle, nil)
                    }
                }, nil)
            // Closing handles keep uv_run going until their close callbacks have run.
            while uv_run(pointer, UV_RUN_DEFAULT) != 0 {}
            // A callback run above (e.g. a cancelled write's completion) may have opened a
            // new handle; walk again until the loop really is empty.
            if uv_loop_close(pointer) == 0 { break }
        }
        isClosed = true
    }
}
