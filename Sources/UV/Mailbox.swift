import Synchronization

/// Messages into a loop from other threads: a locked queue plus a `uv_async_t` to wake the
/// loop, drained whole on each wake-up (libuv coalesces wake-ups). What `LoopThread` is fed
/// through, and how a load thread's replies reach the worker's main loop.
public final class Mailbox<Message: Sendable>: @unchecked Sendable {
    // @unchecked: `queue` is a Mutex and `wake.send()` is thread-safe; `wake` itself is only
    // created and closed on the owning loop's thread.
    private let queue = Mutex<[Message]>([])
    private var wake: Async?

    /// A mailbox delivering to `handler` on `loop`'s thread; create it on that thread (or
    /// before that loop runs).
    public init(loop: Loop, handler: @escaping (Message) -> Void) throws {
        wake = try Async(loop: loop) { [unowned self] in
            let messages = self.queue.withLock { queue -> [Message] in
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            messages.forEach(handler)
        }
    }

    /// Queues `message` and wakes the loop. Any thread.
    public func post(_ message: Message) {
        queue.withLock { $0.append(message) }
        wake?.send()
    }

    /// Stops delivering; on the owning loop's thread.
    public func close() {
        wake?.close()
        wake = nil
    }
}
