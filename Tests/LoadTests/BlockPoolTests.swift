import Testing

@testable import Load

/// The small-block free lists nghttp2's client sessions allocate from.
@Suite struct BlockPoolTests {
    @Test func blocksFitTheirSizeAndDoNotOverlap() {
        var pool = BlockPool()
        defer { pool.destroy() }
        var blocks: [(UnsafeMutableRawPointer, Int)] = []
        for size in [1, 15, 16, 17, 100, 255, 256, 511, 512] {
            for _ in 0..<50 {
                let block = pool.allocate(size)!
                #expect(pool.owns(block))
                #expect(pool.blockBytes(block) >= size && pool.blockBytes(block) < size + BlockPool.granule)
                #expect(Int(bitPattern: block) % BlockPool.granule == 0, "aligned as malloc's")
                block.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: blocks.count), count: size)
                blocks.append((block, size))
            }
        }
        // Every block still holds what was written into it: none overlaps another.
        for (index, (block, size)) in blocks.enumerated() {
            let bytes = UnsafeRawBufferPointer(start: block, count: size)
            #expect(bytes.allSatisfy { $0 == UInt8(truncatingIfNeeded: index) })
        }
        for (block, _) in blocks { pool.free(block) }
    }

    @Test func aFreedBlockIsTheNextOneOfItsSize() {
        var pool = BlockPool()
        defer { pool.destroy() }
        let first = pool.allocate(200)!
        let other = pool.allocate(40)!
        pool.free(first)
        #expect(pool.allocate(40) != first, "another size class")
        #expect(pool.allocate(193) == first)
        pool.free(other)
    }

    @Test func aClassGoesOnPastOneSlab() {
        var pool = BlockPool()
        defer { pool.destroy() }
        let perSlab = BlockPool.slabBytes / 512
        let blocks = (0..<(perSlab * 3 + 1)).map { _ in pool.allocate(512)! }
        #expect(Set(blocks).count == blocks.count)
        #expect(blocks.allSatisfy { pool.owns($0) && pool.blockBytes($0) == 512 })
        let outside = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        #expect(!pool.owns(outside))
        outside.deallocate()
    }
}
