/// HdrHistogram's V2 encoding, compressed form — the `HISTF…` base64 text of an HdrHistogram
/// interval log line — for one second's histogram on the wire and on disk.
///
/// Layout (big-endian, as Java's `encodeIntoCompressedByteBuffer` writes it): cookie
/// 0x1c849314, length, then a zlib stream of the 40-byte V2 header (cookie 0x1c849313,
/// payload length, normalizing offset 0, significant digits, lowest discernible value,
/// highest trackable value, conversion ratio 1.0) and the counts array up to the largest
/// value, each count ZigZag-LEB128, runs of empty buckets as one negative run length.
/// Every HdrHistogram implementation's `decodeFromCompressedByteBuffer` reads it.
extension LatencyHistogram {
    static let v2Cookie: UInt32 = 0x1c84_9313
    static let v2CompressedCookie: UInt32 = 0x1c84_9314
    /// Sub-buckets per bucket at 3 significant digits (2 × 10³ rounded up to a power of two), halved.
    private static let subBucketHalfCountMagnitude = 10
    private static let subBucketHalfCount: UInt64 = 1 << 10
    private static let subBucketMask: UInt64 = (1 << 11) - 1

    /// The compressed V2 encoding, as base64 text.
    public var logEncoded: String { Base64.encode(compressedV2) }

    /// The histogram `logEncoded` (any HdrHistogram's compressed V2 base64 of microseconds at 3
    /// digits with a stored deflate stream, as Barrage writes); nil when it is not one.
    public init?(logEncoded text: some StringProtocol) {
        guard let bytes = Base64.decode(text), let histogram = Self(compressedV2: bytes) else { return nil }
        self = histogram
    }

    /// The compressed V2 encoding's bytes.
    var compressedV2: [UInt8] {
        let inner = StoredZlib.wrap(uncompressedV2)
        var out: [UInt8] = []
        out.reserveCapacity(inner.count + 8)
        Self.put(Self.v2CompressedCookie, into: &out)
        Self.put(UInt32(inner.count), into: &out)
        out.append(contentsOf: inner)
        return out
    }

    init?(compressedV2 bytes: [UInt8]) {
        guard bytes.count >= 8, Self.read32(bytes, at: 0) & ~0xF0 == Self.v2CompressedCookie & ~0xF0 else { return nil }
        let length = Int(Self.read32(bytes, at: 4))
        guard 8 + length <= bytes.count, let inner = StoredZlib.unwrap(bytes[8..<(8 + length)]) else { return nil }
        self.init(uncompressedV2: inner)
    }

    /// The uncompressed V2 encoding's bytes.
    var uncompressedV2: [UInt8] {
        var payload: [UInt8] = []
        var nextIndex = 0
        for (value, count) in storage.recordedValues().lazy.map({ ($0.value, UInt64($0.count)) }) where count > 0 {
            let index = Self.countsIndex(of: value)
            let zeros = index - nextIndex
            if zeros == 1 {
                Self.putZigZag(0, into: &payload)
            } else if zeros > 1 {
                Self.putZigZag(-Int64(zeros), into: &payload)
            }
            Self.putZigZag(Int64(count), into: &payload)
            nextIndex = index + 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(40 + payload.count)
        Self.put(Self.v2Cookie, into: &out)
        Self.put(UInt32(payload.count), into: &out)
        Self.put(0, into: &out)  // normalizing index offset
        Self.put(3, into: &out)  // significant digits
        Self.put64(1, into: &out)  // lowest discernible value
        Self.put64(Self.highestTrackableMicroseconds, into: &out)
        Self.put64((1.0).bitPattern, into: &out)  // integer-to-double conversion ratio
        out.append(contentsOf: payload)
        return out
    }

    init?(uncompressedV2 bytes: [UInt8]) {
        guard bytes.count >= 40, Self.read32(bytes, at: 0) & ~0xF0 == Self.v2Cookie & ~0xF0,
            Self.read32(bytes, at: 8) == 0, Self.read32(bytes, at: 12) == 3,
            Self.read32(bytes, at: 16) == 0, Self.read32(bytes, at: 20) == 1
        else { return nil }
        let length = Int(Self.read32(bytes, at: 4))
        guard 40 + length <= bytes.count else { return nil }
        var pairs: [(value: UInt64, count: UInt64)] = []
        var position = 40
        var index: Int64 = 0
        var total: UInt64 = 0
        var latencySum: UInt64 = 0
        // Damaged or hostile bytes are refused before they reach arithmetic that would trap: a
        // run past the last bucket, a count past the highest trackable value, counts or
        // latencies past what a node file's histogram may hold (`FigureBounds`: HdrHistogram adds
        // count × value in a UInt64 when it iterates). Found by LatencyHistogramDecodingPropertyTests.
        let lastIndex = Int64(Self.countsIndex(of: Self.highestTrackableMicroseconds))
        while position < 40 + length {
            guard let word = Self.readZigZag(bytes, at: &position, end: 40 + length) else { return nil }
            if word < 0 {
                guard word > -lastIndex - 2 else { return nil }
                index += -word
            } else {
                guard index <= lastIndex else { return nil }
                if word > 0 {
                    let value = Self.value(atCountsIndex: Int(index)), count = UInt64(word)
                    let (latencies, overflowed) = (value * 2).multipliedReportingOverflow(by: count)
                    guard !overflowed, count <= FigureBounds.maximumCount - total,
                        latencies <= FigureBounds.maximumLatencySumMicroseconds - latencySum
                    else { return nil }
                    total += count
                    latencySum += latencies
                    pairs.append((value, count))
                }
                index += 1
            }
            guard index <= lastIndex + 1 else { return nil }
        }
        self.init(coveringUpTo: pairs.last?.value ?? 0)
        for pair in pairs { record(microseconds: pair.value, count: pair.count) }
    }

    /// The counts-array index of `value`'s bucket (lowest discernible value 1, 3 digits).
    static func countsIndex(of value: UInt64) -> Int {
        let bucket = 53 - (value | subBucketMask).leadingZeroBitCount
        let subBucket = value >> UInt64(bucket)
        return (bucket + 1) << subBucketHalfCountMagnitude + Int(subBucket) - Int(subBucketHalfCount)
    }

    /// The highest value in the bucket at counts-array `index`.
    static func value(atCountsIndex index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = UInt64(index) & (subBucketHalfCount - 1) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        let lowest = subBucket << UInt64(bucket)
        return lowest + (UInt64(1) << UInt64(bucket)) - 1
    }

    private static func put(_ value: UInt32, into out: inout [UInt8]) {
        out.append(contentsOf: [24, 16, 8, 0].map { UInt8(value >> UInt32($0) & 0xFF) })
    }

    private static func put64(_ value: UInt64, into out: inout [UInt8]) {
        out.append(contentsOf: [56, 48, 40, 32, 24, 16, 8, 0].map { UInt8(value >> UInt64($0) & 0xFF) })
    }

    private static func read32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// HdrHistogram's ZigZag LEB128: 7 bits a byte for eight bytes, then a ninth of 8 bits.
    private static func putZigZag(_ signed: Int64, into out: inout [UInt8]) {
        var value = UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
        for _ in 0..<8 {
            if value >> 7 == 0 {
                out.append(UInt8(value))
                return
            }
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func readZigZag(_ bytes: [UInt8], at position: inout Int, end: Int) -> Int64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { return nil }
            let byte = bytes[position]
            position += 1
            if shift == 56 {
                value |= UInt64(byte) << 56
                break
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
