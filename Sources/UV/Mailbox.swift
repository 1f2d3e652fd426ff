import Synchronization

/// Messages into a loop from other threads: a locked queue plus a `uv_async_t` to wake the
/// loop, drained whole on each wake-up (libuv coalesces wake-ups). What `LoopThread` is fed
/// through, and how a load thread's replies reach the worker's main loop.
///
/// A loop too busy to reach its wake-up soon (its async's descriptor waits behind every ready
/// socket) may also take the messages between events of its own, through `pending`.
public final class Mailbox<Message: Sendable>: @unchecked Sendable {
    // @unchecked: `queue` is a Mutex and `wake.send()` is thread-safe; `wake` and `delivering`
    // are only touched on the owning loop's thread; `pending.raised` is atomic.
    private let queue = Mutex<[Message]>([])
    private var wake: Async?
    private let handler: (Message) -> Void
    /// True while the handler runs: a `pending.deliver()` reached from inside it returns
    /// at once, so messages are never delivered out of order or nested.
    private var delivering = false

    /// Raised while messages wait; lets the owning loop deliver them from inside its own work.
    public let pending = PendingMail()

    /// A mailbox delivering to `handler` on `loop`'s thread; create it on that thread (or
    /// before that loop runs).
    public init(loop: Loop, handler: @escaping (Message) -> Void) throws {
        self.handler = handler
        pending.deliverQueued = { [weak self] in self?.deliverQueued() }
        wake = try Async(loop: loop) { [unowned self] in self.deliverQueued() }
    }

    /// Queues `message` and wakes the loop. Any thread.
    public func post(_ message: Message) {
        queue.withLock { queue in
            queue.append(message)
            pending.raised.store(true, ordering: .relaxed)
        }
        wake?.send()
    }

    /// Stops delivering; on the owning loop's thread.
    public func close() {
        wake?.close()
        wake = nil
    }

    /// Hands every queued message to the handler, in order; on the owning loop's thread. The
    /// wake-up that follows a message taken early finds the queue empty.
    private func deliverQueued() {
        guard !delivering, wake != nil else { return }
        delivering = true
        defer { delivering = false }
        let messages = queue.withLock { queue -> [Message] in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            pending.raised.store(false, ordering: .relaxed)
            return taken
        }
        messages.forEach(handler)
    }
}
