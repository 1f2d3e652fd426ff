/// Checks that bytes are a well-formed protobuf `bench.Payload` (`bytes body = 1;`) before
/// they are echoed, so the server never reflects garbage back as if it were a reply.
///
/// It walks the wire format without building anything: every field must have a valid tag
/// and a length that fits. Field 1 must be length-delimited (what a `bytes` field is);
/// other field numbers are unknown fields and, as in any protobuf parser, skipped — except
/// groups (wire types 3/4), which are deprecated and which no Payload encoder produces.
enum PayloadCheck {
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard let tag = varint(bytes, &offset) else { return false }
            let fieldNumber = tag >> 3
            let wireType = tag & 7
            guard fieldNumber > 0, fieldNumber <= 0x1FFF_FFFF else { return false }
            if fieldNumber == 1 && wireType != 2 { return false }
            switch wireType {
            case 0:
                guard varint(bytes, &offset) != nil else { return false }
            case 1:
                guard bytes.count - offset >= 8 else { return false }
                offset += 8
            case 2:
                guard let length = varint(bytes, &offset), length <= UInt64(bytes.count - offset) else {
                    return false
                }
                offset += Int(length)
            case 5:
                guard bytes.count - offset >= 4 else { return false }
                offset += 4
            default:
                return false
            }
        }
        return true
    }

    /// Reads a base-128 varint of at most 10 bytes; nil if truncated or too long.
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 70 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
