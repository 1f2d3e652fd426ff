/// Connection churn by lifetime: when each connection is due to retire, in the order they fall
/// due. Every lifetime is the same length and a connection's clock starts when it is
/// established, so deadlines are pushed in the order they fall due (the staggered first ones
/// at the start, all below one lifetime; every later one a whole lifetime from now): a queue
/// suffices, and one timer at its front serves every connection.
struct RetirementQueue {
    /// One connection's deadline; stale once the connection's socket changed (`generation`).
    struct Entry: Equatable {
        var dueNs: UInt64
        var index: Int32
        var generation: UInt32
    }

    private var entries: [Entry] = []
    private var head = 0

    /// The earliest deadline, if any.
    var front: Entry? { head < entries.count ? entries[head] : nil }

    /// Adds a deadline no earlier than the last one pushed.
    mutating func push(_ entry: Entry) {
        entries.append(entry)
    }

    /// Removes and returns the front entry.
    mutating func pop() -> Entry? {
        guard head < entries.count else { return nil }
        let entry = entries[head]
        head += 1
        // Compact once the consumed part is half the storage, so memory stays bounded by the
        // connections, not by the retirements of a long run.
        if head >= 64, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return entry
    }

    /// Forgets every deadline.
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        head = 0
    }
}
