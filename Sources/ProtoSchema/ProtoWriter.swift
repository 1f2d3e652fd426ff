/// Protobuf's binary wire format, appended to a byte array: tags, varints, fixed-width values,
/// length-delimited records.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func tag(_ number: Int32, _ wireType: WireType) {
        varint(UInt64(UInt32(bitPattern: number)) << 3 | wireType.rawValue)
    }

    mutating func fixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Bytes already in wire form (a group's body).
    mutating func append(_ record: [UInt8]) {
        bytes += record
    }

    /// A length prefix, then the bytes.
    mutating func lengthDelimited(_ record: [UInt8]) {
        varint(UInt64(record.count))
        bytes += record
    }
}
