/// Cuts a stream's request bytes into gRPC length-prefixed messages (1-byte compressed
/// flag, 4-byte big-endian length, body), whatever the DATA frame boundaries.
///
/// Messages that arrive whole inside one chunk are handed out straight from the chunk; only a
/// message split across chunks is gathered in `partial`, so the common case copies nothing.
struct GRPCMessageReader: ~Copyable {
    /// Length of the prefix before every message body.
    static let prefixLength = 5

    private var partial = ByteBuffer()

    init() {}

    /// True while part of a message has arrived but not all of it.
    var hasPartialMessage: Bool { !partial.isEmpty }

    /// Splits `chunk` into whole messages (prefix included) and calls `deliver` for each in
    /// order, keeping any incomplete tail for the next chunk. Stops at the first failure —
    /// a declared length above `maxMessageSize`, or whatever `deliver` returns — and returns it.
    mutating func read(
        _ chunk: UnsafeRawBufferPointer,
        maxMessageSize: Int,
        deliver: (UnsafeRawBufferPointer) -> GRPCStatus?
    ) -> GRPCStatus? {
        var input = chunk
        while !input.isEmpty {
            if partial.isEmpty {
                // Fast path: as many whole messages as the chunk holds, without copying.
                if input.count >= Self.prefixLength {
                    let length = Self.bodyLength(input)
                    if length > maxMessageSize { return Self.tooLarge(length, maxMessageSize) }
                    let total = Self.prefixLength + length
                    if input.count >= total {
                        if let failure = deliver(UnsafeRawBufferPointer(rebasing: input[..<total])) {
                            return failure
                        }
                        input = UnsafeRawBufferPointer(rebasing: input[total...])
                        continue
                    }
                }
                partial.append(input)
                return nil
            }
            // Slow path: top up the gathered message, first its prefix, then its body.
            let had = partial.count
            let wanted = had < Self.prefixLength
                ? Self.prefixLength - had
                : Self.prefixLength + Self.bodyLength(partial.readable) - had
            let taken = min(wanted, input.count)
            partial.append(UnsafeRawBufferPointer(rebasing: input[..<taken]))
            input = UnsafeRawBufferPointer(rebasing: input[taken...])
            guard partial.count >= Self.prefixLength else { continue }
            let length = Self.bodyLength(partial.readable)
            if had < Self.prefixLength && length > maxMessageSize {
                return Self.tooLarge(length, maxMessageSize)
            }
            if partial.count == Self.prefixLength + length {
                let failure = deliver(partial.readable)
                partial.clear()
                if let failure { return failure }
            }
        }
        return nil
    }

    /// Drops any partial message and frees memory beyond `keep` bytes.
    mutating func reset(keeping keep: Int) {
        partial.release(above: keep)
    }

    /// The body length from a prefix (the caller guarantees at least 5 bytes).
    private static func bodyLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
    }

    private static func tooLarge(_ length: Int, _ limit: Int) -> GRPCStatus {
        GRPCStatus(code: .resourceExhausted,
                   message: "message of \(length) bytes exceeds the limit of \(limit) bytes")
    }
}
