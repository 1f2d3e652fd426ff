import CNghttp2

/// One nghttp2 server session with no socket, the base of the builtin server's
/// `GRPCServerConnection` (the load client frames HTTP/2 itself: `GRPCClientConnection`): bytes
/// from the peer go in through `feed`, bytes for the peer come out of `drain`, and nghttp2's
/// callbacks arrive at the overridable methods below, through `HTTP2Callbacks`' thunks.
///
/// The subclass overrides the methods of the events its table installs; the others are never
/// called. Callback methods return 0 or an nghttp2 error code, as nghttp2 expects.
open class HTTP2Session {
    /// `nghttp2_session *`; nil once `deleteSession()` ran.
    public private(set) var session: OpaquePointer?

    /// A server session whose callbacks are `callbacks` and whose options are `options`
    /// (`nghttp2_option *`, or nil). Nil if nghttp2 is out of memory.
    public init?(callbacks: HTTP2Callbacks, options: OpaquePointer?) {
        var session: OpaquePointer?
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_server_new2(&session, callbacks.table, userData, options) == 0, let session else {
            return nil
        }
        self.session = session
    }

    deinit {
        // nghttp2_session_del calls no callbacks, so the subclass may already be torn down.
        if let session { nghttp2_session_del(session) }
    }

    /// Calls `body` with the session behind nghttp2's `user_data`, without retaining it: the
    /// session is alive for the whole callback (it made the nghttp2 call that is calling back),
    /// and a retain and release around each of the ≈ 8 callbacks of a call cost ≈ 4 % of the
    /// load client's instructions (callgrind, 100 × 10).
    @inline(__always)
    public static func withOwner<Result>(
        of userData: UnsafeMutableRawPointer?, _ body: (HTTP2Session) -> Result
    ) -> Result {
        Unmanaged<HTTP2Session>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
    }

    // MARK: Bytes in and out

    /// Feeds bytes from the peer. False if nghttp2 failed on them (bad preface, fatal protocol
    /// error) or the session is gone.
    public final func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let session else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count) >= 0
    }

    /// Appends the frames nghttp2 has ready to `buffer` until nothing is left or `buffer`
    /// holds at least `limit` bytes (nghttp2 keeps the rest), so one socket write carries many
    /// frames. False on a fatal session error, or if the session is gone.
    public final func drain(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        guard let session else { return false }
        while buffer.count < limit {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            if length < 0 { return false }
            guard length > 0, let chunk else { return true }
            // Copied now: nghttp2 reuses that memory on the next call.
            buffer.append(UnsafeRawBufferPointer(start: chunk, count: length))
        }
        return true
    }

    /// True once the session will neither read nor write again (GOAWAY exchanged, a fatal
    /// error, or deleted): the socket can be closed.
    public final var isDone: Bool {
        guard let session else { return true }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    /// Deletes the nghttp2 session now (it calls nothing back while being deleted); every
    /// later call sees no session.
    public final func deleteSession() {
        guard let session else { return }
        self.session = nil
        nghttp2_session_del(session)
    }

    /// A data provider whose reads arrive at `readData(streamID:tag:…)` with `tag`.
    public static func dataProvider(tag: UnsafeMutableRawPointer?) -> nghttp2_data_provider {
        nghttp2_data_provider(source: nghttp2_data_source(ptr: tag), read_callback: HTTP2Callbacks.readData)
    }

    // MARK: Callbacks, for subclasses to override

    /// A header block starts (`on_begin_headers`).
    open func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 { 0 }

    /// One header field of the block in `frame` (`on_header`).
    open func header(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer
    ) -> Int32 { 0 }

    /// A whole frame arrived (`on_frame_recv`).
    open func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 { 0 }

    /// DATA payload bytes of `streamID` (`on_data_chunk_recv`).
    open func dataChunk(streamID: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 { 0 }

    /// A frame went out (`on_frame_send`).
    open func frameSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 { 0 }

    /// `streamID` closed with `errorCode` (`on_stream_close`).
    open func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 { 0 }

    /// Fills nghttp2's `buffer` (up to `length` bytes) with the next body bytes of `streamID`,
    /// whose data provider carries `tag`; returns the count, or an nghttp2 error code
    /// (`NGHTTP2_ERR_DEFERRED` to pause the stream). Sets EOF flags in `flags`.
    open func readData(
        streamID: Int32, tag: UnsafeMutableRawPointer?, into buffer: UnsafeMutablePointer<UInt8>,
        length: Int, flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }
}
