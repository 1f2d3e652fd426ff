import CUV
import Synchronization

/// A libuv async handle (`uv_async_t`): the one way to wake a loop from another thread.
///
/// `send()` may be called from any thread; the callback runs on the loop thread. libuv
/// coalesces sends: several `send()`s before the loop wakes produce one callback, so pass
/// data through your own synchronised queue and drain it completely in the callback.
///
/// `@unchecked Sendable` because only `send()` is meant for other threads and it is made safe
/// by hand: `uv_async_send` is documented thread-safe, and a mutex orders it against the close
/// callback freeing the memory, so a `send()` racing with or following `close()` is a harmless
/// no-op instead of a use-after-free. Every other member stays loop-thread-only.
public final class Async: Handle, @unchecked Sendable {
    private var callback: (() -> Void)?
    /// True while the uv memory may be handed to `uv_async_send`; guarded for cross-thread use.
    private let sendable = Mutex(false)

    /// Creates an async handle on `loop` (`uv_async_init`); `callback` runs on the loop
    /// thread after one or more `send()`s. An active async handle keeps `Loop.run()` going
    /// until it is closed (or `unref()`ed).
    public init(loop: Loop, _ callback: @escaping () -> Void) throws {
        self.callback = callback
        super.init(loop: loop, type: UV_ASYNC)
        try initialize("uv_async_init") {
            uv_async_init(
                loop.pointer, async,
                { async in
                    guard let data = async?.pointee.data else { return }
                    let this = Unmanaged<Async>.fromOpaque(data).takeUnretainedValue()
                    guard let callback = this.callback else { return }
                    callback()
                })
        }
        sendable.withLock { $0 = true }
    }

    private var async: UnsafeMutablePointer<uv_async_t> {
        raw.assumingMemoryBound(to: uv_async_t.self)
    }

    /// Wakes the loop so the callback runs (`uv_async_send`). Safe from any thread; a no-op
    /// once the handle's close callback has run.
    public func send() {
        sendable.withLock { open in
            guard open else { return }
            _ = uv_async_send(async)
        }
    }

    override func dropCallbacks() {
        callback = nil
        super.dropCallbacks()
    }

    override func didClose() {
        // The memory is freed right after this returns; no send may touch it from now on.
        sendable.withLock { $0 = false }
        super.didClose()
    }
}
