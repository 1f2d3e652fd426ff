import HTTP2

/// Cuts a stream's request bytes into whole gRPC messages for the server, whatever the DATA
/// frame boundaries, on the shared `GRPCMessageDecoder`.
///
/// A body that arrives whole inside one chunk is handed out straight from the chunk; only a
/// body split across chunks is gathered in `partial`, so the common case copies nothing.
struct GRPCMessageReader: ~Copyable {
    private var decoder = GRPCMessageDecoder()
    private var partial = ByteBuffer()
    /// The compressed flag of the message being read.
    private var flag: UInt8 = 0

    init() {}

    /// True while part of a message has arrived but not all of it.
    var hasPartialMessage: Bool { !decoder.isAtMessageBoundary }

    /// Splits `chunk` into whole messages and calls `deliver` with each one's compressed flag
    /// and body, in order, keeping any incomplete tail for the next chunk. Stops at the first
    /// failure — a declared length above `maxMessageSize`, or whatever `deliver` returns — and
    /// returns it.
    mutating func read(
        _ chunk: UnsafeRawBufferPointer,
        maxMessageSize: Int,
        deliver: (_ flag: UInt8, _ body: UnsafeRawBufferPointer) -> GRPCStatus?
    ) -> GRPCStatus? {
        var input = chunk
        while let piece = decoder.next(from: &input) {
            switch piece {
            case .prefix(let flag, let length):
                if length > maxMessageSize {
                    return GRPCStatus(
                        code: .resourceExhausted,
                        message: "message of \(length) bytes exceeds the limit of \(maxMessageSize) bytes")
                }
                self.flag = flag
            case .body(let bytes, let ends):
                if ends && partial.isEmpty {
                    if let failure = deliver(flag, bytes) { return failure }
                } else {
                    partial.append(bytes)
                    if ends {
                        let failure = deliver(flag, partial.readable)
                        partial.clear()
                        if let failure { return failure }
                    }
                }
            }
        }
        return nil
    }

    /// Drops any partial message and frees memory beyond `keep` bytes.
    mutating func reset(keeping keep: Int) {
        decoder.reset()
        partial.release(above: keep)
    }
}
