import Synchronization

/// Whether a `Mailbox` holds messages not yet delivered, and the way to deliver them from
/// inside the owning loop's other work. A loop thread busy with I/O sees its mailbox's
/// `uv_async_t` only behind every descriptor that became ready before the post (epoll's ready
/// list is first in, first out, and libuv takes up to 48 × 1024 events a poll): at 10,000
/// always-ready connections that is one full round of them. A thread that looks at `isRaised`
/// after each unit of its own work (a load generator: after each connection's read) and then
/// calls `deliver()` gets its messages within one of those instead. Look at the flag first:
/// through an optional reference that is a load and a branch, where a call would also retain.
///
/// `@unchecked Sendable`: `raised` is atomic, written under the mailbox's lock by any thread;
/// `deliverQueued` is set once by the mailbox before it is shared and called only on its
/// loop's thread.
public final class PendingMail: @unchecked Sendable {
    /// True from a `post` until the owning loop took the messages (stored under the mailbox's
    /// lock, so it is true exactly when the queue holds any); read without it, relaxed, as a hint.
    @usableFromInline let raised = Atomic<Bool>(false)
    /// Hands the mailbox's queued messages to its handler; set by the mailbox.
    var deliverQueued: () -> Void = {}

    init() {}

    /// True while messages wait to be delivered: one relaxed load, so a loop can look after each
    /// unit of its work and call `deliver()` only when it is true. Any thread; a hint, the queue
    /// is the truth.
    @inlinable public var isRaised: Bool {
        raised.load(ordering: .relaxed)
    }

    /// Delivers the waiting messages, if any, to the mailbox's handler, right here. On the
    /// owning loop's thread only, at a point where the handler may do anything it does from the
    /// loop (close handles, stop the loop). Inside the handler itself (a message's handling
    /// reaching this point) it does nothing: the messages stay in order and the delivery under
    /// way goes on with them.
    public func deliver() {
        deliverQueued()
    }
}
