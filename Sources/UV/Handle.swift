import CUV

/// Base of every libuv handle wrapper: owns the `uv_*_t` memory and its lifecycle.
///
/// Lifecycle (mirrors libuv's rules):
/// - While the uv handle is open the object retains itself (`handle->data` holds a
///   `passRetained` reference), so callers may drop their reference to an open handle: it
///   keeps working and is freed after `close()` completes.
/// - `close()` calls `uv_close`; the handle's memory is freed only in the close callback,
///   where the self-reference is released too.
/// - `close()` drops the handle's callbacks (timer, read, connection, signal, async, exit)
///   immediately, which breaks any retain cycle through a closure capturing the handle.
///   Request completions (write, shutdown, connect) are *not* dropped: each runs exactly once,
///   with `ECANCELED` if the handle closed first.
/// - Handles are loop-confined and not `Sendable` (except `Async`).
public class Handle {
    /// Where the object is in its life; only `.open` handles may be passed to libuv calls.
    enum State {
        /// Memory allocated, libuv init not done (or failed): deinit frees the memory.
        case uninitialized
        /// Initialised in libuv; the object retains itself through `handle->data`.
        case open
        /// `uv_close` called, close callback pending.
        case closing
        /// Memory freed (or handed to a close callback that frees it).
        case closed
    }

    /// The loop this handle belongs to, retained so the `uv_loop_t` outlives the handle.
    let loop: Loop
    /// The `uv_*_t` memory, sized for this handle's kind by `uv_handle_size`.
    let raw: UnsafeMutableRawPointer
    var state: State = .uninitialized

    /// The memory viewed as the generic `uv_handle_t` that every uv handle starts with.
    var handle: UnsafeMutablePointer<uv_handle_t> {
        raw.assumingMemoryBound(to: uv_handle_t.self)
    }

    /// Allocates zeroed memory for a handle of `type`. Subclasses then call the matching
    /// `uv_*_init` through `initialize(_:_:)`.
    init(loop: Loop, type: uv_handle_type) {
        self.loop = loop
        let size = uv_handle_size(type)
        raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit {
        // Open and closing handles retain themselves, so deinit only ever sees handles that
        // libuv never knew (free here) or that the close callback already freed.
        if state == .uninitialized { raw.deallocate() }
    }

    /// Runs the subclass's `uv_*_init` and, on success, marks the handle open and makes it
    /// retain itself. On failure the handle stays uninitialised, so deinit frees the memory.
    func initialize(_ operation: String, _ call: () -> Int32) throws {
        // After uv_loop_close, initialising a handle on the loop is undefined behaviour.
        guard !loop.isClosed else {
            throw UVError(code: UV_EINVAL.rawValue, operation: operation + " (loop closed)")
        }
        try uvCheck(operation, call())
        markOpen()
    }

    /// Makes the object own itself for as long as libuv owns the handle.
    func markOpen() {
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        state = .open
    }

    /// Throws `EBADF` unless the handle is open: libuv calls on a closing or freed handle are
    /// undefined behaviour, so the wrapper refuses them up front.
    func checkOpen(_ operation: String) throws {
        guard state == .open else { throw UVError(code: UV_EBADF.rawValue, operation: operation) }
    }

    /// Drops the handle's own callbacks; called by `close()`. Subclasses override and call super.
    func dropCallbacks() {}

    /// Called from the close callback, just before the memory is freed.
    func didClose() {}

    /// Closes the handle (`uv_close`). Its callbacks are dropped at once; its memory and the
    /// self-reference are released when libuv's close callback runs on a later loop iteration.
    /// Closing a closing or closed handle is a no-op.
    public func close() {
        guard state == .open else { return }
        state = .closing
        dropCallbacks()
        uv_close(handle, Handle.closeCallback)
    }

    /// True once `close()` was called (the handle is closing or already closed).
    public var isClosing: Bool { state == .closing || state == .closed }

    /// Makes the handle keep the loop alive again (`uv_ref`, the default).
    public func ref() {
        guard state == .open else { return }
        uv_ref(handle)
    }

    /// Lets `Loop.run()` return even while this handle is active (`uv_unref`), e.g. for a
    /// watchdog timer or a signal handler that should not keep the process running.
    public func unref() {
        guard state == .open else { return }
        uv_unref(handle)
    }

    /// Gives a handle that libuv initialised but the object never owned (a failed `uv_spawn`)
    /// back to libuv: libuv requires `uv_close` even then. The close callback sees no owner in
    /// `data` and only frees the memory; deinit must not free it as well.
    func abandonInitializedHandle() {
        handle.pointee.data = nil
        state = .closed
        uv_close(handle, Handle.closeCallback)
    }

    /// The one close callback: releases the self-reference, then frees the memory — the only
    /// place handle memory is freed once libuv has seen it.
    static let closeCallback: uv_close_cb = { handle in
        guard let handle else { return }
        if let data = handle.pointee.data {
            let owner = Unmanaged<Handle>.fromOpaque(data).takeRetainedValue()
            handle.pointee.data = nil
            owner.state = .closed
            owner.didClose()
        }
        UnsafeMutableRawPointer(handle).deallocate()
    }
}
