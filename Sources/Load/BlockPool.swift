import Glibc

/// Free lists for the small blocks nghttp2 allocates and frees on every call (its stream, the
/// outbound HEADERS and DATA items, the copy of the request's header array, header buffers),
/// so a call costs a pop and a push instead of malloc and free (callgrind, 100 × 10: malloc
/// and free were ≈ 900 of the client's ≈ 13,000 instructions a call).
///
/// Blocks of up to `largestBlock` bytes, in classes of 16 bytes, are cut from 64 KiB slabs
/// of one address range reserved up front (untouched pages are never resident); each slab
/// serves one class, so a freed pointer's class is its slab's, found from the address alone
/// (nghttp2's free passes no size). Freed blocks stay on their class's list for the next
/// allocation and are never given back to the system: the pool holds what the busiest moment
/// needed, as malloc's arena would. Anything larger, or anything once the range is used up,
/// comes from malloc. One pool per generator (its `SessionMemory`), used on its loop thread only.
struct BlockPool {
    static let granule = 16
    static let largestBlock = 512
    static let classCount = largestBlock / granule
    static let slabBytes = 64 * 1024
    /// Address space reserved for slabs; only what is cut out of it is ever touched.
    static let reservedBytes = 1 << 30

    /// Start of the reserved range; nil if it could not be reserved (then every block is malloc's).
    private let base: UnsafeMutableRawPointer?
    /// Slabs handed out so far, from the start of the range.
    private var slabsUsed = 0
    /// Each slab's class.
    private let slabClass: UnsafeMutablePointer<UInt8>
    /// Each class's free list (the next pointer is kept in the block's first word).
    private let freeHeads: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Each class's slab being cut: next block, and the slab's end.
    private let cutNext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let cutEnd: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    init() {
        let mapped = mmap(
            nil, Self.reservedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        base = mapped == MAP_FAILED ? nil : mapped
        slabClass = .allocate(capacity: Self.reservedBytes / Self.slabBytes)
        freeHeads = .allocate(capacity: Self.classCount)
        freeHeads.initialize(repeating: nil, count: Self.classCount)
        cutNext = .allocate(capacity: Self.classCount)
        cutNext.initialize(repeating: nil, count: Self.classCount)
        cutEnd = .allocate(capacity: Self.classCount)
        cutEnd.initialize(repeating: nil, count: Self.classCount)
    }

    /// Unmaps the range and frees the tables; every block must be back (the sessions deleted).
    func destroy() {
        if let base { munmap(base, Self.reservedBytes) }
        slabClass.deallocate()
        freeHeads.deallocate()
        cutNext.deallocate()
        cutEnd.deallocate()
    }

    /// Slabs cut so far (for tests).
    var slabCount: Int { slabsUsed }

    /// True if `pointer` is one of the pool's blocks.
    @inline(__always)
    func owns(_ pointer: UnsafeMutableRawPointer) -> Bool {
        guard let base else { return false }
        return pointer >= base && pointer < base + slabsUsed * Self.slabBytes
    }

    /// Bytes of the block at `pointer`, one of the pool's.
    @inline(__always)
    func blockBytes(_ pointer: UnsafeMutableRawPointer) -> Int {
        (Int(slabClass[(pointer - base!) / Self.slabBytes]) + 1) * Self.granule
    }

    /// A block of at least `size` bytes (1 … `largestBlock`), or nil when the range is used up.
    @inline(__always)
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let sizeClass = (size - 1) / Self.granule
        if let block = freeHeads[sizeClass] {
            freeHeads[sizeClass] = block.load(as: UnsafeMutableRawPointer?.self)
            return block
        }
        if let next = cutNext[sizeClass], next < cutEnd[sizeClass]! {
            cutNext[sizeClass] = next + (sizeClass + 1) * Self.granule
            return next
        }
        guard let base, (slabsUsed + 1) * Self.slabBytes <= Self.reservedBytes else { return nil }
        let slab = base + slabsUsed * Self.slabBytes
        slabClass[slabsUsed] = UInt8(sizeClass)
        slabsUsed += 1
        cutNext[sizeClass] = slab + (sizeClass + 1) * Self.granule
        cutEnd[sizeClass] = slab + Self.slabBytes - (sizeClass + 1) * Self.granule + 1
        return slab
    }

    /// Puts a block of the pool's (`owns`) back on its class's list.
    @inline(__always)
    mutating func free(_ block: UnsafeMutableRawPointer) {
        let sizeClass = Int(slabClass[(block - base!) / Self.slabBytes])
        block.storeBytes(of: freeHeads[sizeClass], as: UnsafeMutableRawPointer?.self)
        freeHeads[sizeClass] = block
    }
}
