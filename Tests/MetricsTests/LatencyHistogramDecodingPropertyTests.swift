import SeededRandom
import Testing

@testable import Metrics

/// A property test over the histogram encoding a worker sends each second and `.hlog` lines
/// hold: whatever bytes arrive (the Adler-32 check only catches accidents; a confused or
/// hostile worker wraps any payload), decoding either refuses them or gives a histogram every
/// figure can be read from, never a trap. The same 500 payloads in every process (seeded).
@Suite struct LatencyHistogramDecodingPropertyTests {
    /// ZigZag LEB128 as HdrHistogram writes it (9 bytes at most).
    static func zigZag(_ signed: Int64) -> [UInt8] {
        var value = UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
        var out: [UInt8] = []
        for _ in 0..<8 {
            if value >> 7 == 0 { return out + [UInt8(value)] }
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }

    static let extremes: [Int64] = [
        .min, .min + 1, .max, -(1 << 62), 1 << 62, -(1 << 40), 1 << 53, -1, 0, 1, -2_047, 2_048, -65_536
    ]

    /// A valid V2 payload, then damaged: words swapped for extremes, bytes changed, random tails.
    static func payload(using random: inout SeededGenerator) -> [UInt8] {
        var histogram = LatencyHistogram()
        for _ in 0..<Int(random.next() % 20) {
            histogram.record(microseconds: random.latency(), count: random.next() % 1_000 + 1)
        }
        let valid = histogram.uncompressedV2
        var body = Array(valid[40...])
        switch random.next() % 4 {
        case 0:
            for _ in 0...(random.next() % 4) {
                let word = zigZag(extremes.randomElement(using: &random)!)
                body.insert(contentsOf: word, at: Int(random.next() % UInt64(body.count + 1)))
            }
        case 1:
            for _ in 0...(random.next() % 4) where !body.isEmpty {
                body[Int(random.next() % UInt64(body.count))] = UInt8(truncatingIfNeeded: random.next())
            }
        case 2:
            body = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default:
            body += (0..<Int(random.next() % 4 + 1)).flatMap { _ in zigZag(Int64(bitPattern: random.next())) }
        }
        var header = Array(valid[..<40])
        let length = UInt32(body.count)
        header.replaceSubrange(4..<8, with: [24, 16, 8, 0].map { UInt8(length >> UInt32($0) & 0xFF) })
        return header + body
    }

    @Test func noPayloadTrapsTheDecoderOrTheFigures() {
        var random = SeededGenerator(seed: 21)
        var decoded = 0
        for _ in 0..<500 {
            let bytes = Self.payload(using: &random)
            guard let histogram = LatencyHistogram(uncompressedV2: bytes) else { continue }
            decoded += 1
            // Every figure a report reads, and the sums it makes.
            _ = (histogram.count, histogram.min, histogram.max, histogram.value(atPercentile: 99.9), histogram.buckets)
            var sum = histogram
            sum.add(histogram)
            _ = sum.value(atPercentile: 50)
            // What decoded is within the bounds a node file's histogram must keep, or refused there.
            let text = histogram.logEncoded
            #expect(LatencyHistogram(logEncoded: text)?.count == histogram.count)
        }
        #expect(decoded > 50, "only \(decoded) of 500 payloads decoded: the property says little about accepted ones")
    }
}
