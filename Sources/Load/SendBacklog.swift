/// Open loop: the sends that came due on one connection while every one of its slots was busy.
///
/// A connection's sends are due at a fixed spacing, so the queue needs no storage per entry: a
/// count and the oldest entry's intended time give every entry's intended time, which is where
/// its latency counts from once it finally goes out.
struct SendBacklog {
    /// Sends waiting.
    private(set) var count = 0
    private var oldestNs: UInt64 = 0
    /// Time between two of this connection's scheduled sends.
    var spacingNs: UInt64 = 0

    /// Queues a send that was due at `intendedNs`.
    mutating func push(intendedNs: UInt64) {
        if count == 0 { oldestNs = intendedNs }
        count += 1
    }

    /// The oldest waiting send's intended time, without removing it.
    var oldestIntendedNs: UInt64? {
        count > 0 ? oldestNs : nil
    }

    /// Removes the oldest waiting send and returns its intended time.
    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        let intended = oldestNs
        count -= 1
        oldestNs &+= spacingNs
        return intended
    }

    /// Drops every waiting send; returns how many there were.
    mutating func removeAll() -> Int {
        defer { count = 0 }
        return count
    }
}
