/// The 5-byte prefix in front of every gRPC message on HTTP/2: a compressed flag byte, then
/// the body length as a 4-byte big-endian integer.
public enum GRPCMessagePrefix {
    /// Bytes in the prefix.
    public static let length = 5

    /// The prefix of an uncompressed message whose body is `bodyLength` bytes.
    @inlinable public static func encode(bodyLength: Int) -> [UInt8] {
        precondition(bodyLength >= 0 && bodyLength <= Int(UInt32.max), "gRPC message body out of range")
        let length = UInt32(bodyLength)
        return [0, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }

    /// The body length read from a prefix (`bytes` holds at least 5 bytes).
    @inlinable public static func bodyLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
    }
}
