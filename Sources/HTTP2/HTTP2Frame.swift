/// HTTP/2's frame layout (RFC 9113 §4.1, §6) as the load client writes and reads it itself:
/// the 9-byte frame header, the frame types, flags, settings and error codes. Pure: no I/O.
public enum HTTP2Frame {
    /// Bytes of a frame header: length (24 bits), type, flags, stream (31 bits).
    public static let headerBytes = 9
    /// What a client says first (RFC 9113 §3.4).
    public static let clientPreface: StaticString = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    /// The frame payload every peer accepts until it says otherwise (SETTINGS_MAX_FRAME_SIZE).
    public static let defaultMaxFrameBytes = 16_384
    /// The largest SETTINGS_MAX_FRAME_SIZE a peer may announce.
    public static let largestMaxFrameBytes = 16_777_215
    /// Flow-control windows start here (SETTINGS_INITIAL_WINDOW_SIZE and the connection's).
    public static let defaultWindow = 65_535
    /// The largest flow-control window.
    public static let largestWindow = Int(Int32.max)
    /// The HPACK dynamic table a peer's decoder holds until it says otherwise.
    public static let defaultHeaderTableBytes = 4_096

    /// Frame types.
    public enum Kind {
        public static let data: UInt8 = 0x0
        public static let headers: UInt8 = 0x1
        public static let priority: UInt8 = 0x2
        public static let rstStream: UInt8 = 0x3
        public static let settings: UInt8 = 0x4
        public static let pushPromise: UInt8 = 0x5
        public static let ping: UInt8 = 0x6
        public static let goaway: UInt8 = 0x7
        public static let windowUpdate: UInt8 = 0x8
        public static let continuation: UInt8 = 0x9
    }

    /// Frame flags (each meaningful on the types RFC 9113 gives it).
    public enum Flag {
        public static let endStream: UInt8 = 0x1
        public static let ack: UInt8 = 0x1
        public static let endHeaders: UInt8 = 0x4
        public static let padded: UInt8 = 0x8
        public static let priority: UInt8 = 0x20
    }

    /// SETTINGS parameters.
    public enum Setting {
        public static let headerTableSize: UInt16 = 0x1
        public static let enablePush: UInt16 = 0x2
        public static let maxConcurrentStreams: UInt16 = 0x3
        public static let initialWindowSize: UInt16 = 0x4
        public static let maxFrameSize: UInt16 = 0x5
    }

    /// Error codes of RST_STREAM and GOAWAY.
    public enum ErrorCode {
        public static let noError: UInt32 = 0x0
        public static let protocolError: UInt32 = 0x1
        public static let internalError: UInt32 = 0x2
        public static let flowControlError: UInt32 = 0x3
        public static let streamClosed: UInt32 = 0x5
        public static let frameSizeError: UInt32 = 0x6
        public static let refusedStream: UInt32 = 0x7
        public static let cancel: UInt32 = 0x8
        public static let compressionError: UInt32 = 0x9
    }

    /// A frame header as read.
    public struct Header: Equatable {
        public var length: Int
        public var kind: UInt8
        public var flags: UInt8
        public var stream: Int32

        /// Reads the header at the front of `bytes`, which holds at least `headerBytes`.
        @inlinable public init(_ bytes: UnsafeRawBufferPointer) {
            length = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
            kind = bytes[3]
            flags = bytes[4]
            stream = Int32(bitPattern: HTTP2Frame.readUInt32(bytes, at: 5) & 0x7FFF_FFFF)
        }

        /// True if `flag` is set.
        @inlinable public func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
    }

    /// Writes a frame header at `target`; returns `headerBytes`.
    @inlinable @discardableResult
    public static func writeHeader(
        length: Int, kind: UInt8, flags: UInt8, stream: Int32, to target: UnsafeMutableRawPointer
    ) -> Int {
        target.storeBytes(of: UInt8(truncatingIfNeeded: length >> 16), toByteOffset: 0, as: UInt8.self)
        target.storeBytes(of: UInt8(truncatingIfNeeded: length >> 8), toByteOffset: 1, as: UInt8.self)
        target.storeBytes(of: UInt8(truncatingIfNeeded: length), toByteOffset: 2, as: UInt8.self)
        target.storeBytes(of: kind, toByteOffset: 3, as: UInt8.self)
        target.storeBytes(of: flags, toByteOffset: 4, as: UInt8.self)
        writeUInt32(UInt32(bitPattern: stream), to: target + 5)
        return headerBytes
    }

    /// A big-endian 32-bit value at `offset` of `bytes`.
    @inlinable public static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// Writes `value` big-endian at `target`.
    @inlinable public static func writeUInt32(_ value: UInt32, to target: UnsafeMutableRawPointer) {
        target.storeBytes(of: value.bigEndian, as: UInt32.self)
    }
}
