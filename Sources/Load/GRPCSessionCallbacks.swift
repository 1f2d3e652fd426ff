import CNghttp2

/// The nghttp2 callback table and session options every client connection of a generator
/// shares; nghttp2 copies both into each new session, so one set is built per generator.
///
/// Each callback is a thin `@convention(c)` thunk: it finds the `GRPCClientConnection` through
/// the session's `user_data` (an unretained reference) and forwards, capturing nothing.
final class GRPCSessionCallbacks {
    /// `nghttp2_session_callbacks *`.
    let callbacks: OpaquePointer
    /// `nghttp2_option *`.
    let option: OpaquePointer

    /// Builds the table; `concurrency` is how many streams each connection keeps open, which
    /// tells nghttp2 how many it may open before the server's SETTINGS arrive.
    init(concurrency: Int) {
        var callbacks: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&callbacks) == 0, "nghttp2_session_callbacks_new: out of memory")
        self.callbacks = callbacks!
        var option: OpaquePointer?
        precondition(nghttp2_option_new(&option) == 0, "nghttp2_option_new: out of memory")
        self.option = option!

        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            GRPCClientConnection.from(userData).frameReceived(frame!)
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            GRPCClientConnection.from(userData).headerReceived(
                frame!, name: UnsafeRawBufferPointer(start: name, count: nameLength),
                value: UnsafeRawBufferPointer(start: value, count: valueLength))
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            GRPCClientConnection.from(userData).dataReceived(
                streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
            GRPCClientConnection.from(userData).streamClosed(streamID: streamID, errorCode: errorCode)
        }
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) { _, frame, _, userData in
            GRPCClientConnection.from(userData).frameNotSent(frame!)
        }

        // Until the server's SETTINGS arrive nghttp2 assumes it allows 100 streams; assume
        // what we need instead, the server's real limit applies once its SETTINGS are in.
        nghttp2_option_set_peer_max_concurrent_streams(option, UInt32(clamping: max(concurrency, 1)))
        // A client never needs closed streams kept around for the priority tree.
        nghttp2_option_set_no_closed_streams(option, 1)
        // Our request headers are the same every call; indexing them would keep a copy in
        // every connection's HPACK table (≈ 0.7 KiB a connection, measured with a counting
        // nghttp2_mem), for a few bytes less per request on the wire.
        nghttp2_option_set_max_deflate_dynamic_table_size(option, 0)
    }

    deinit {
        nghttp2_session_callbacks_del(callbacks)
        nghttp2_option_del(option)
    }

    /// Reads a request body into nghttp2's buffer; the slot number (plus one) travels in the
    /// data source pointer, so no lookup is needed.
    static let readRequestBody: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, source, userData in
        let slot = Int(bitPattern: source!.pointee.ptr) - 1
        return GRPCClientConnection.from(userData).readRequestBody(
            slot: slot, streamID: streamID, into: buffer!, length: length, flags: flags!)
    }

    /// Per-stream receive window announced to the server: large, so answers are not held back
    /// waiting for WINDOW_UPDATEs (the data is consumed at once, so this costs no memory).
    static let streamWindow: UInt32 = 1 << 20
    /// Connection receive window, raised with a WINDOW_UPDATE right after the preface.
    static let connectionWindow: Int32 = 1 << 24
}
