/// A first-in first-out ring of call slot numbers, at most `capacity` of them (each slot is in
/// it at most once: its owner keeps a flag). Which slots have frames to send, in order, and
/// which wait for the server's stream limit. Manually allocated; owned by one connection.
struct SlotQueue: ~Copyable {
    private let storage: UnsafeMutablePointer<Int32>
    private let capacity: Int
    private var head = 0
    /// Slots in the queue.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Adds `slot` at the back.
    @inline(__always)
    mutating func push(_ slot: Int) {
        precondition(count < capacity, "slot queue overflow")
        storage[(head + count) % capacity] = Int32(slot)
        count += 1
    }

    /// Takes the slot at the front.
    @inline(__always)
    mutating func pop() -> Int? {
        guard count > 0 else { return nil }
        let slot = Int(storage[head])
        head = (head + 1) % capacity
        count -= 1
        return slot
    }

    /// Takes `slot` out wherever it is (the rare path: a waiting call cancelled).
    mutating func remove(_ slot: Int) {
        var kept = 0
        for position in 0..<count {
            let value = storage[(head + position) % capacity]
            if value != Int32(slot) {
                storage[(head + kept) % capacity] = value
                kept += 1
            }
        }
        count = kept
    }

    /// Empties the queue.
    mutating func removeAll() {
        head = 0
        count = 0
    }
}
