#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A growable FIFO of bytes on raw memory: append at the back, consume from the front. The one
/// byte buffer of both HTTP/2 sides: the load client's output, the server's streams and writes.
///
/// Noncopyable so exactly one owner frees the memory, and so the hot path never pays for
/// copy-on-write checks. Memory is allocated on the first append and kept across `clear()`,
/// so a buffer that is reused (per stream, per loop) stops allocating once it has grown;
/// `release(above:)` gives big buffers back so idle connections stay small.
///
/// The hot members are `@inlinable`: the buffer is used across module boundaries on every
/// read and write, where an opaque call per append would cost more than the copy.
public struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutableRawPointer?
    /// Bytes allocated.
    public private(set) var capacity = 0
    @usableFromInline var readerIndex = 0
    @usableFromInline var writerIndex = 0

    /// An empty buffer; nothing is allocated until the first append.
    public init() {}

    deinit {
        base?.deallocate()
    }

    /// Bytes appended and not yet consumed.
    @inlinable public var count: Int { writerIndex - readerIndex }

    /// True when nothing is left to consume.
    @inlinable public var isEmpty: Bool { readerIndex == writerIndex }

    /// The unconsumed bytes; valid until the next mutating call.
    @inlinable public var readable: UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + readerIndex, count: count)
    }

    /// Appends a copy of `bytes`.
    @inlinable public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let target =
            writerIndex + bytes.count <= capacity && base != nil
            ? base! + writerIndex : reserve(bytes.count)
        target.copyMemory(from: source, byteCount: bytes.count)
        writerIndex += bytes.count
    }

    /// Lets `body` write up to `n` bytes at the back, in place, and keeps as many as it says
    /// it wrote (at most `n`): how a frame is serialised straight into the output, with no copy.
    @inlinable public mutating func appendInPlace(reserving n: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        let target = writerIndex + n <= capacity && base != nil ? base! + writerIndex : reserve(n)
        let written = body(target)
        precondition(written >= 0 && written <= n, "wrote beyond what was reserved")
        writerIndex += written
    }

    /// Drops the first `n` unconsumed bytes. Emptying the buffer rewinds it, so a buffer
    /// that is drained as fast as it fills never moves memory.
    @inlinable public mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= count, "consume beyond the readable bytes")
        readerIndex += n
        if readerIndex == writerIndex { readerIndex = 0; writerIndex = 0 }
    }

    /// Forgets the contents, keeping the memory.
    @inlinable public mutating func clear() {
        readerIndex = 0
        writerIndex = 0
    }

    /// Clears and frees the memory if it grew beyond `limit` bytes (0 frees any).
    public mutating func release(above limit: Int) {
        clear()
        if capacity > limit {
            base?.deallocate()
            base = nil
            capacity = 0
        }
    }

    /// Exchanges contents with `other` without copying bytes.
    public mutating func swapContents(with other: inout ByteBuffer) {
        (base, other.base) = (other.base, base)
        (capacity, other.capacity) = (other.capacity, capacity)
        (readerIndex, other.readerIndex) = (other.readerIndex, readerIndex)
        (writerIndex, other.writerIndex) = (other.writerIndex, writerIndex)
    }

    /// Makes room for `n` more bytes at the back and returns where they go. Consumed space
    /// at the front is reclaimed before growing.
    @usableFromInline mutating func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        if writerIndex + n <= capacity, let base { return base + writerIndex }
        let live = count
        if let base, live + n <= capacity {
            // Enough room once the consumed front is dropped: slide the live bytes down.
            memmove(base, base + readerIndex, live)
        } else {
            var newCapacity = max(capacity * 2, 256)
            while newCapacity < live + n { newCapacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let base {
                grown.copyMemory(from: base + readerIndex, byteCount: live)
                base.deallocate()
            }
            base = grown
            capacity = newCapacity
        }
        readerIndex = 0
        writerIndex = live
        return base! + writerIndex
    }
}
