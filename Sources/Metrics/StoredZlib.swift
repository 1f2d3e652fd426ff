/// The zlib stream format (RFC 1950) around deflate's *stored* blocks (RFC 1951 §3.2.4):
/// what HdrHistogram's compressed encoding wraps its counts in, readable by every inflate
/// (Java's `Inflater`, zlib, Python's `zlib`).
///
/// Stored, not compressed: the counts are already ZigZag-LEB128 with runs of zeros folded,
/// so deflate would save little, and Barrage then needs no zlib library. Reading accepts
/// only stored blocks (what Barrage writes); a stream that is really compressed is refused.
enum StoredZlib {
    /// Largest stored block.
    private static let blockLimit = 65_535

    /// `bytes` as a zlib stream of stored blocks.
    static func wrap(_ bytes: [UInt8]) -> [UInt8] {
        // CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (fastest; 0x7801 % 31 == 0).
        var out: [UInt8] = [0x78, 0x01]
        out.reserveCapacity(bytes.count + bytes.count / blockLimit * 5 + 11)
        var start = 0
        repeat {
            let length = min(blockLimit, bytes.count - start)
            let final: UInt8 = start + length == bytes.count ? 1 : 0
            out.append(final)
            out.append(UInt8(length & 0xFF))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xFF))
            out.append(UInt8(~length >> 8 & 0xFF))
            out.append(contentsOf: bytes[start..<start + length])
            start += length
        } while start < bytes.count
        let checksum = adler32(bytes)
        out.append(contentsOf: [24, 16, 8, 0].map { UInt8(checksum >> UInt32($0) & 0xFF) })
        return out
    }

    /// The bytes inside a zlib stream of stored blocks; nil when it is not one or its checksum fails.
    static func unwrap(_ stream: ArraySlice<UInt8>) -> [UInt8]? {
        var index = stream.startIndex
        guard stream.count >= 6, stream[index] & 0x0F == 8, (UInt16(stream[index]) << 8 | UInt16(stream[index + 1])) % 31 == 0,
            stream[index + 1] & 0x20 == 0
        else { return nil }
        index += 2
        var out: [UInt8] = []
        while true {
            guard index + 5 <= stream.endIndex else { return nil }
            let header = stream[index]
            // Stored blocks start byte-aligned only when every header bit but BFINAL/BTYPE is 0.
            guard header & 0xFE == 0 else { return nil }
            let length = Int(stream[index + 1]) | Int(stream[index + 2]) << 8
            let complement = Int(stream[index + 3]) | Int(stream[index + 4]) << 8
            guard length == ~complement & 0xFFFF, index + 5 + length <= stream.endIndex else { return nil }
            out.append(contentsOf: stream[(index + 5)..<(index + 5 + length)])
            index += 5 + length
            if header & 1 == 1 { break }
        }
        guard index + 4 <= stream.endIndex else { return nil }
        let stored = stream[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return stored == adler32(out) ? out : nil
    }

    /// Adler-32 of `bytes` (RFC 1950 §8.2).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5,552 bytes is the most that cannot overflow 32 bits before the modulo.
            let end = min(bytes.count, index + 5_552)
            for byte in bytes[index..<end] {
                a &+= UInt32(byte)
                b &+= a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return b << 16 | a
    }
}
