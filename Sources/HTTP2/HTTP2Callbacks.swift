import CNghttp2

/// An nghttp2 callback table: how the builtin server's sessions install callbacks and reach their
/// Swift session from `user_data`.
///
/// Each callback is a thin `@convention(c)` thunk capturing nothing: it recovers the
/// `HTTP2Session` from `user_data` (an unretained reference — the session object owns the
/// nghttp2 session, and nghttp2 calls back only from inside calls the object makes, so it is
/// alive and needs no retain around the call) and forwards to the method its subclass
/// overrides. nghttp2 copies the table into each new
/// session, so one table serves any number of sessions; it is only read after it is built,
/// so a table shared across loop threads is safe.
public final class HTTP2Callbacks: @unchecked Sendable {
    // @unchecked: the table is written only in init and nghttp2 only reads it afterwards.

    /// `nghttp2_session_callbacks *`.
    public let table: OpaquePointer

    /// A table installing the callbacks in `events`.
    public init(_ events: HTTP2Events) {
        var table: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&table) == 0, "nghttp2_session_callbacks_new: out of memory")
        self.table = table!
        if events.contains(.beginHeaders) {
            nghttp2_session_callbacks_set_on_begin_headers_callback(table) { _, frame, userData in
                HTTP2Session.withOwner(of: userData) { $0.beginHeaders(frame!) }
            }
        }
        if events.contains(.header) {
            nghttp2_session_callbacks_set_on_header_callback(table) {
                _, frame, name, nameLength, value, valueLength, _, userData in
                HTTP2Session.withOwner(of: userData) {
                    $0.header(
                        frame!, name: UnsafeRawBufferPointer(start: name, count: nameLength),
                        value: UnsafeRawBufferPointer(start: value, count: valueLength))
                }
            }
        }
        if events.contains(.frameReceived) {
            nghttp2_session_callbacks_set_on_frame_recv_callback(table) { _, frame, userData in
                HTTP2Session.withOwner(of: userData) { $0.frameReceived(frame!) }
            }
        }
        if events.contains(.dataChunk) {
            nghttp2_session_callbacks_set_on_data_chunk_recv_callback(table) { _, _, streamID, data, length, userData in
                HTTP2Session.withOwner(of: userData) {
                    $0.dataChunk(
                        streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
                }
            }
        }
        if events.contains(.frameSent) {
            nghttp2_session_callbacks_set_on_frame_send_callback(table) { _, frame, userData in
                HTTP2Session.withOwner(of: userData) { $0.frameSent(frame!) }
            }
        }
        if events.contains(.streamClosed) {
            nghttp2_session_callbacks_set_on_stream_close_callback(table) { _, streamID, errorCode, userData in
                HTTP2Session.withOwner(of: userData) { $0.streamClosed(streamID: streamID, errorCode: errorCode) }
            }
        }
    }

    deinit {
        nghttp2_session_callbacks_del(table)
    }

    /// The body callback of every data provider: forwards to `HTTP2Session.readData`, with
    /// the provider's source pointer (a tag the session chose) passed through.
    public static let readData: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, source, userData in
        HTTP2Session.withOwner(of: userData) {
            $0.readData(
                streamID: streamID, tag: source!.pointee.ptr, into: buffer!, length: length, flags: flags!)
        }
    }
}
