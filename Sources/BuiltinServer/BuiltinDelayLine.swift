import Synchronization
import UV

#if canImport(Glibc)
    import Glibc
#endif

/// The reply delay of a known-answer server (`BARRAGE_BUILTIN_DELAY`), one per loop thread:
/// bytes read from a connection wait here `delayNs` before the connection handles them, so
/// every answer leaves at least that long after its request arrived, while the loop goes on
/// serving everything else.
///
/// libuv timers have millisecond resolution, which would add up to a millisecond (or two) to
/// every reply; instead a small helper thread wakes the loop every `tickNs` while anything
/// waits, and the loop hands over what is due by then. Replies then leave at most one tick
/// plus a wake-up after they are due, and never before.
final class BuiltinDelayLine {
    /// How often the helper wakes the loop while bytes wait.
    static let tickNs: UInt64 = 100_000

    private struct Entry {
        let dueNs: UInt64
        weak var target: (any BuiltinDelayedInput)?
        let bytes: [UInt8]
    }

    let delayNs: UInt64
    /// Entries in arrival order, so in due order too (the delay is the same for all).
    private var entries: [Entry] = []
    private var head = 0
    private let ticker: Ticker

    /// A delay line on `loop`; starts its helper thread.
    init(loop: Loop, delayNs: UInt64) throws {
        self.delayNs = delayNs
        var deliver: (() -> Void)?
        let async = try Async(loop: loop) { deliver?() }
        ticker = Ticker(async: async)
        deliver = { [unowned self] in self.deliverDue() }
        try ticker.start()
    }

    /// Holds `bytes` for `target` until one delay from now.
    func enqueue(_ bytes: UnsafeRawBufferPointer, for target: any BuiltinDelayedInput) {
        entries.append(Entry(dueNs: Loop.hrtime() &+ delayNs, target: target, bytes: Array(bytes)))
        ticker.waiting.store(entries.count - head, ordering: .relaxed)
    }

    private func deliverDue() {
        let now = Loop.hrtime()
        while head < entries.count, entries[head].dueNs <= now {
            let entry = entries[head]
            head += 1
            entry.bytes.withUnsafeBytes { bytes in entry.target?.deliverDelayed(bytes) }
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        ticker.waiting.store(entries.count - head, ordering: .relaxed)
    }

    /// Drops what waits and ends the helper thread.
    func close() {
        entries = []
        head = 0
        ticker.stop()
    }

    /// The helper thread: while entries wait, wakes the loop every tick.
    private final class Ticker: @unchecked Sendable {
        // @unchecked: the thread touches only the atomics and `Async.send()`, which is
        // thread-safe (and a no-op once the handle is closed).
        let waiting = Atomic<Int>(0)
        private let stopped = Atomic<Bool>(false)
        private let async: Async

        init(async: Async) {
            self.async = async
        }

        func start() throws {
            pthread_detach(try OSThread.start { self.run() })
        }

        private func run() {
            var pause = timespec(tv_sec: 0, tv_nsec: Int(BuiltinDelayLine.tickNs))
            while !stopped.load(ordering: .relaxed) {
                nanosleep(&pause, nil)
                if waiting.load(ordering: .relaxed) > 0 { async.send() }
            }
        }

        /// Called on the loop thread.
        func stop() {
            stopped.store(true, ordering: .relaxed)
            async.close()
        }
    }
}
