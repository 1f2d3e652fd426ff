/// The 5-byte prefix in front of every gRPC message on HTTP/2: a compressed flag byte, then
/// the body length as a 4-byte big-endian integer.
public enum GRPCMessagePrefix {
    /// Bytes in the prefix.
    public static let length = 5

    /// The prefix of an uncompressed message whose body is `bodyLength` bytes.
    @inlinable public static func encode(bodyLength: Int) -> [UInt8] {
        withEncoded(bodyLength: bodyLength) { Array($0) }
    }

    /// Calls `body` with the prefix of an uncompressed message of `bodyLength` bytes, built on
    /// the stack: for hot paths that frame every message and must not allocate.
    @inlinable public static func withEncoded<Result>(
        bodyLength: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        precondition(bodyLength >= 0 && bodyLength <= Int(UInt32.max), "gRPC message body out of range")
        let length = UInt32(bodyLength)
        var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8) = (
            0, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)
        )
        return try withUnsafeBytes(of: &bytes) { try body($0) }
    }

    /// The body length read from a prefix (`bytes` holds at least 5 bytes).
    @inlinable public static func bodyLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
    }
}
