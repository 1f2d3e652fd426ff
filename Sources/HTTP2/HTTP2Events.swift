/// Which nghttp2 callbacks an `HTTP2Callbacks` table installs: a session listens only to what
/// it acts on, so nghttp2 does not call an empty method per frame for the rest.
public struct HTTP2Events: OptionSet, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `on_begin_headers`: a header block starts (a server's new stream).
    public static let beginHeaders = HTTP2Events(rawValue: 1 << 0)
    /// `on_header`: one header field.
    public static let header = HTTP2Events(rawValue: 1 << 1)
    /// `on_frame_recv`: a whole frame arrived.
    public static let frameReceived = HTTP2Events(rawValue: 1 << 2)
    /// `on_data_chunk_recv`: DATA payload bytes.
    public static let dataChunk = HTTP2Events(rawValue: 1 << 3)
    /// `on_frame_send`: a frame went out.
    public static let frameSent = HTTP2Events(rawValue: 1 << 4)
    /// `on_stream_close`: a stream closed.
    public static let streamClosed = HTTP2Events(rawValue: 1 << 6)
}
