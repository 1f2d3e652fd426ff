/// One connection's outgoing bytes: what nghttp2 serialised since the last write, gathered so a
/// batch of frames goes out in one write instead of one syscall per frame.
///
/// Grows by doubling when a chunk does not fit and never shrinks, so steady state allocates
/// nothing. It may only grow (move) while no write of its bytes is in flight; the connection
/// guarantees that by not pulling output from nghttp2 during a write.
struct OutputBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer?
    /// Bytes allocated.
    private(set) var capacity = 0
    /// Bytes held.
    private(set) var count = 0
    /// What the first `append` allocates.
    private let initialCapacity: Int

    /// An empty buffer that allocates `initialCapacity` bytes on first use, so connections that
    /// never come up cost nothing here.
    init(initialCapacity: Int) {
        self.initialCapacity = max(initialCapacity, 64)
    }

    deinit {
        base?.deallocate()
    }

    /// The bytes held; valid until the next `append` or `removeAll`.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Appends `chunk`, growing if needed.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard let source = chunk.baseAddress, chunk.count > 0 else { return }
        if count + chunk.count > capacity {
            var grown = max(capacity * 2, initialCapacity)
            while grown < count + chunk.count { grown *= 2 }
            let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
            if let base {
                moved.copyMemory(from: base, byteCount: count)
                base.deallocate()
            }
            base = moved
            capacity = grown
        }
        (base! + count).copyMemory(from: source, byteCount: chunk.count)
        count += chunk.count
    }

    /// Forgets the bytes held (after they were written), keeping the memory.
    mutating func removeAll() {
        count = 0
    }

    /// Forgets the bytes held and gives the memory back: for a buffer only a connection
    /// meeting back-pressure needs, so that 10,000 connections do not each keep the largest
    /// backlog they ever had.
    mutating func releaseStorage() {
        base?.deallocate()
        base = nil
        capacity = 0
        count = 0
    }
}
