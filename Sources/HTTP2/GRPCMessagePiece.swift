/// What `GRPCMessageDecoder.next(from:)` found next in a stream's bytes.
public enum GRPCMessagePiece {
    /// A message's prefix is complete: its compressed flag and its body length.
    case prefix(flag: UInt8, bodyLength: Int)
    /// Bytes of the current message's body, in order; `ends` when they are its last (an empty
    /// body yields one empty piece that ends it).
    case body(UnsafeRawBufferPointer, ends: Bool)
}
