import Synchronization

/// Whether a `Mailbox` holds messages not yet delivered, and the way to deliver them from
/// inside the owning loop's other work. A loop thread busy with I/O sees its mailbox's
/// `uv_async_t` only behind every descriptor that became ready before the post (epoll's ready
/// list is first in, first out, and libuv takes up to 48 × 1024 events a poll): at 10,000
/// always-ready connections that is one full round of them. A thread that calls
/// `deliverIfAny()` after each unit of its own work (a load generator: after each connection's
/// read) gets its messages within one of those instead.
///
/// `@unchecked Sendable`: `raised` is atomic, written under the mailbox's lock by any thread;
/// `deliver` is set once by the mailbox before it is shared and only called on its loop's thread.
public final class PendingMail: @unchecked Sendable {
    /// True from a `post` until the owning loop took the messages (stored under the mailbox's
    /// lock, so it is true exactly when the queue holds any); read without it, relaxed, as a hint.
    @usableFromInline let raised = Atomic<Bool>(false)
    /// Delivers the mailbox's queued messages now; set by the mailbox.
    var deliver: () -> Void = {}

    init() {}

    /// True while messages wait to be delivered. Any thread; a hint, the queue is the truth.
    @inlinable public var isRaised: Bool {
        raised.load(ordering: .relaxed)
    }

    /// Delivers the waiting messages, if there are any, to the mailbox's handler, right here.
    /// On the owning loop's thread only, at a point where the handler may do anything it does
    /// from the loop (close handles, stop the loop). With no mail it costs one relaxed load and
    /// a branch. Inside the handler itself (a message's handling reaching this point) it does
    /// nothing: the messages stay in order and the current delivery goes on with them.
    @inlinable public func deliverIfAny() {
        if raised.load(ordering: .relaxed) { deliverNow() }
    }

    @usableFromInline func deliverNow() {
        deliver()
    }
}
