/// Which call slot holds which HTTP/2 stream, for the frames of a connection's answers: an
/// open-addressing table of stream ID → slot, sized to twice the connection's slots, so a
/// lookup is a shift, a mask and a compare (stream IDs are odd and increase one by one, so
/// consecutive streams land in consecutive buckets). Manually allocated; one per connection.
struct StreamTable: ~Copyable {
    /// Stream IDs (0 = empty bucket) and their slots, side by side.
    private let keys: UnsafeMutablePointer<Int32>
    private let values: UnsafeMutablePointer<Int32>
    private let mask: Int
    /// Streams in the table.
    private(set) var count = 0

    /// A table for a connection of `slots` slots.
    init(slots: Int) {
        var buckets = 4
        while buckets < slots * 2 { buckets *= 2 }
        mask = buckets - 1
        keys = .allocate(capacity: buckets * 2)
        keys.initialize(repeating: 0, count: buckets * 2)
        values = keys + buckets
    }

    deinit {
        keys.deallocate()
    }

    @inline(__always)
    private func home(_ stream: Int32) -> Int { Int(UInt32(bitPattern: stream) >> 1) & mask }

    /// The slot of `stream`, nil if the table does not hold it.
    @inline(__always)
    func slot(of stream: Int32) -> Int? {
        var bucket = home(stream)
        while true {
            let key = keys[bucket]
            if key == stream { return Int(values[bucket]) }
            if key == 0 { return nil }
            bucket = (bucket + 1) & mask
        }
    }

    /// Records that `slot` holds `stream` (not in the table yet).
    mutating func insert(_ stream: Int32, slot: Int) {
        precondition(stream > 0 && count <= mask / 2, "stream table full or bad stream")
        var bucket = home(stream)
        while keys[bucket] != 0 { bucket = (bucket + 1) & mask }
        keys[bucket] = stream
        values[bucket] = Int32(slot)
        count += 1
    }

    /// Forgets `stream`, if the table holds it (backward-shift deletion: no tombstones).
    mutating func remove(_ stream: Int32) {
        var hole = home(stream)
        while keys[hole] != stream {
            if keys[hole] == 0 { return }
            hole = (hole + 1) & mask
        }
        keys[hole] = 0
        count -= 1
        var next = (hole + 1) & mask
        while keys[next] != 0 {
            let want = home(keys[next])
            // Move the entry back into the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (want > hole && want <= next) : (want > hole || want <= next)
            if !stays {
                keys[hole] = keys[next]
                values[hole] = values[next]
                keys[next] = 0
                hole = next
            }
            next = (next + 1) & mask
        }
    }
}
