import HTTP2
import Testing

@Suite struct GRPCMessageDecoderTests {
    /// Framed messages with bodies of the given lengths, each body byte its own index.
    private func framed(_ lengths: [Int]) -> [UInt8] {
        lengths.flatMap { length in
            GRPCMessagePrefix.encode(bodyLength: length) + (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        }
    }

    /// Every piece `bytes` yields when fed in pieces cut at `cuts`: bodies gathered per message.
    private func decode(_ bytes: [UInt8], cutAt cuts: [Int]) -> (prefixes: [Int], bodies: [[UInt8]], boundary: Bool) {
        var decoder = GRPCMessageDecoder()
        var prefixes: [Int] = []
        var bodies: [[UInt8]] = []
        var current: [UInt8] = []
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            bytes[start..<cut].withUnsafeBytes { chunk in
                var input = chunk
                while let piece = decoder.next(from: &input) {
                    switch piece {
                    case .prefix(let flag, let length):
                        #expect(flag == 0)
                        prefixes.append(length)
                    case .body(let bytes, let ends):
                        current += Array(bytes)
                        if ends { bodies.append(current); current = [] }
                    }
                }
            }
            start = cut
        }
        return (prefixes, bodies, decoder.isAtMessageBoundary)
    }

    @Test func prefixIsFlagThenBigEndianLength() {
        #expect(GRPCMessagePrefix.encode(bodyLength: 0) == [0, 0, 0, 0, 0])
        #expect(GRPCMessagePrefix.encode(bodyLength: 0x0102_0304) == [0, 1, 2, 3, 4])
        ([0, 0, 0, 0x01, 0x2F] as [UInt8]).withUnsafeBytes { #expect(GRPCMessagePrefix.bodyLength($0) == 0x12F) }
    }

    @Test func messagesCutAnywhereDecodeTheSame() {
        let lengths = [10, 0, 300, 1]
        let bytes = framed(lengths)
        let expected = lengths.map { length in (0..<length).map { UInt8(truncatingIfNeeded: $0) } }
        for cut in 0...bytes.count {
            let result = decode(bytes, cutAt: [cut])
            #expect(result.prefixes == lengths, "cut at \(cut)")
            #expect(result.bodies == expected, "cut at \(cut)")
            #expect(result.boundary)
        }
        let bytewise = decode(bytes, cutAt: Array(0...bytes.count))
        #expect(bytewise.bodies == expected)
    }

    @Test func countingCompletesEachMessageOnItsLastByte() {
        let bytes = framed([10, 0, 10])
        var decoder = GRPCMessageDecoder()
        var completedAt: [Int] = []
        for (index, byte) in bytes.enumerated() where [byte].withUnsafeBytes({ decoder.countMessages(in: $0) }) == 1 {
            completedAt.append(index)
        }
        #expect(completedAt == [14, 19, 34])
        var partial = GRPCMessageDecoder()
        _ = bytes[0..<7].withUnsafeBytes { partial.countMessages(in: $0) }
        #expect(!partial.isAtMessageBoundary)
        partial.reset()
        #expect(partial.isAtMessageBoundary)
    }

    @Test func byteBufferIsAFIFOThatKeepsItsMemory() {
        var buffer = ByteBuffer()
        #expect(buffer.capacity == 0, "nothing allocated before first use")
        let chunk = Array(0..<UInt8(100))
        for _ in 0..<5 { chunk.withUnsafeBytes { buffer.append($0) } }
        #expect(buffer.count == 500)
        buffer.consume(150)
        #expect(Array(buffer.readable) == Array(Array((0..<5).map { _ in chunk }.joined())[150...]))
        let capacity = buffer.capacity
        buffer.clear()
        #expect(buffer.isEmpty && buffer.capacity == capacity, "memory is kept for the next batch")
        buffer.release(above: 0)
        #expect(buffer.capacity == 0)
    }
}
