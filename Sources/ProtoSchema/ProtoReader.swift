/// Protobuf's binary wire format, read field by field: the inverse of `ProtoWriter`, enough to
/// read the descriptor set protoc writes (`DescriptorSet`).
struct ProtoReader {
    /// A field as it arrives: its number and its value in the form its wire type carries.
    enum Field {
        case varint(number: Int32, UInt64)
        case fixed(number: Int32)
        case lengthDelimited(number: Int32, ArraySlice<UInt8>)
    }

    /// Why the bytes are not a protobuf message; `description` goes into the user's error.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        rest = bytes
    }

    /// The next field, nil at the end; fixed-width fields and groups are skipped whole (no
    /// descriptor field this module reads has those wire types).
    mutating func next() throws(Malformed) -> Field? {
        while !rest.isEmpty {
            let key = try varint()
            let number = Int32(truncatingIfNeeded: key >> 3)
            guard number > 0 else { throw Malformed(description: "field number 0") }
            switch key & 7 {
            case 0: return .varint(number: number, try varint())
            case 1: try skip(8)
            case 5: try skip(4)
            case 2:
                let length = try varint()
                guard length <= UInt64(rest.count) else {
                    throw Malformed(description: "a length of \(length) bytes runs past the end")
                }
                let value = rest.prefix(Int(length))
                rest = rest.dropFirst(Int(length))
                return .lengthDelimited(number: number, value)
            case 3: try skipGroup(number)
            default: throw Malformed(description: "wire type \(key & 7) of field \(number)")
            }
        }
        return nil
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard let byte = rest.popFirst() else { throw Malformed(description: "a varint runs past the end") }
            guard shift < 64 else { throw Malformed(description: "a varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
        }
        throw Malformed(description: "a varint longer than 10 bytes")
    }

    private mutating func skip(_ count: Int) throws(Malformed) {
        guard rest.count >= count else { throw Malformed(description: "a fixed-width field runs past the end") }
        rest = rest.dropFirst(count)
    }

    /// Skips to the end-group key that closes `number`, however deep its groups nest, without
    /// recursion.
    private mutating func skipGroup(_ number: Int32) throws(Malformed) {
        var open: [Int32] = [number]
        while let innermost = open.last {
            guard !rest.isEmpty else { throw Malformed(description: "group \(innermost) is never closed") }
            let key = try varint()
            let field = Int32(truncatingIfNeeded: key >> 3)
            switch key & 7 {
            case 0: _ = try varint()
            case 1: try skip(8)
            case 5: try skip(4)
            case 2:
                let length = try varint()
                guard length <= UInt64(rest.count) else { throw Malformed(description: "a length runs past the end") }
                rest = rest.dropFirst(Int(length))
            case 3: open.append(field)
            case 4:
                guard field == innermost else { throw Malformed(description: "group \(innermost) closed as \(field)") }
                open.removeLast()
            default: throw Malformed(description: "wire type \(key & 7) of field \(field)")
            }
        }
    }
}
