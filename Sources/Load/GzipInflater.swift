import CZlib

/// Inflates gzip-compressed answer messages (`grpc-encoding: gzip`, compressed flag set) to
/// check that they decode, as a gRPC client must before it hands a message on; the bytes are
/// thrown away, since the load client never reads an answer's content.
///
/// One per load generator (so per loop thread), shared by its connections: a message is inflated
/// in one go once its body is whole, so two streams never share the zlib state at once. zlib
/// allocates its state (~7 KiB) and window (32 KiB) at the first compressed answer only.
final class GzipInflater {
    /// The most a message may inflate to: the largest payload a topology may ask for. A message
    /// that inflates past it fails, as a gRPC client's receive limit would fail it.
    static let maximumInflatedBytes = 16 << 20

    private var stream = z_stream()
    private var ready = false
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 16)

    deinit {
        if ready { inflateEnd(&stream) }
        scratch.deallocate()
    }

    /// Whether `message` is exactly one gzip member that inflates to at most
    /// `maximumInflatedBytes`.
    func inflates(_ message: [UInt8]) -> Bool {
        if ready {
            guard inflateReset(&stream) == Z_OK else { return false }
        } else {
            // windowBits 15 + 16: a gzip header and trailer (CRC-32 and length checked) expected.
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                return false
            }
            ready = true
        }
        return message.withUnsafeBytes { input -> Bool in
            guard let base = input.baseAddress else { return false }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = UInt32(input.count)
            var inflated = 0
            while true {
                stream.next_out = scratch.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(scratch.count)
                let result = inflate(&stream, Z_NO_FLUSH)
                inflated += scratch.count - Int(stream.avail_out)
                guard inflated <= Self.maximumInflatedBytes else { return false }
                switch result {
                case Z_STREAM_END:
                    // One member, nothing after it.
                    return stream.avail_in == 0
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    // Input ran out before the member's end: truncated.
                    return false
                default:
                    return false
                }
            }
        }
    }
}
