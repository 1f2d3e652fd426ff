/// Splits a byte stream into control frames: a 4-byte big-endian length, then that many bytes.
///
/// Fed whatever a read returned — one byte or many frames at once — it hands back each
/// complete frame exactly once, in order.
public struct FrameDecoder: Sendable {
    /// The largest frame accepted; a bigger length means the stream is not a control channel.
    public static let maximumFrameBytes = 64 << 20

    /// Why a stream cannot be decoded.
    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case frameTooLarge(Int)

        public var description: String {
            switch self {
            case .frameTooLarge(let size):
                return
                    "control frame of \(size) bytes exceeds \(FrameDecoder.maximumFrameBytes) bytes: not a barrage control stream"
            }
        }
    }

    private var buffer: [UInt8] = []
    private var start = 0

    /// An empty decoder.
    public init() {}

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { buffer.count - start }

    /// Appends `bytes` and returns every frame they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws -> [[UInt8]] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [[UInt8]] = []
        while buffer.count - start >= 4 {
            let length =
                Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16
                | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
            guard length <= Self.maximumFrameBytes else { throw DecodeError.frameTooLarge(length) }
            guard buffer.count - start - 4 >= length else { break }
            frames.append(Array(buffer[(start + 4)..<(start + 4 + length)]))
            start += 4 + length
        }
        // Compact once the consumed prefix dominates, so the buffer never grows without bound.
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }
}
