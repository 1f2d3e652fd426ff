import CNghttp2

/// The nghttp2 callback table and session options every `GRPCServerConnection` shares.
///
/// Each callback is a thin C thunk: it recovers the connection from `user_data` (an unretained
/// reference — the connection owns the session, and nghttp2 calls back only from inside
/// calls the connection makes) and forwards to a method. Both objects are built once per
/// process and only read afterwards (`nghttp2_session_server_new2` copies them), which is
/// why sharing them across loop threads is safe.
enum NghttpServerCallbacks {
    nonisolated(unsafe) static let table: OpaquePointer = makeTable()
    nonisolated(unsafe) static let options: OpaquePointer = makeOptions()

    private static func connection(_ userData: UnsafeMutableRawPointer?) -> GRPCServerConnection {
        Unmanaged<GRPCServerConnection>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func makeTable() -> OpaquePointer {
        var table: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&table) == 0, "nghttp2: out of memory")
        nghttp2_session_callbacks_set_on_begin_headers_callback(table) { _, frame, userData in
            NghttpServerCallbacks.connection(userData).beginHeaders(frame!)
        }
        nghttp2_session_callbacks_set_on_header_callback(table) { _, frame, name, nameLength, value, valueLength, _, userData in
            NghttpServerCallbacks.connection(userData).header(
                frame!,
                name: UnsafeRawBufferPointer(start: name, count: nameLength),
                value: UnsafeRawBufferPointer(start: value, count: valueLength))
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(table) { _, frame, userData in
            NghttpServerCallbacks.connection(userData).frameReceived(frame!)
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(table) { _, _, streamID, data, length, userData in
            NghttpServerCallbacks.connection(userData).dataChunk(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(table) { _, frame, userData in
            NghttpServerCallbacks.connection(userData).frameSent(frame!)
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(table) { _, streamID, _, userData in
            NghttpServerCallbacks.connection(userData).streamClosed(streamID: streamID)
        }
        return table!
    }

    private static func makeOptions() -> OpaquePointer {
        var options: OpaquePointer?
        precondition(nghttp2_option_new(&options) == 0, "nghttp2: out of memory")
        // The connection gives window back itself (nghttp2_session_consume), so a client that
        // does not read its echoes is throttled instead of filling server memory.
        nghttp2_option_set_no_auto_window_update(options, 1)
        // A server session otherwise keeps up to MAX_CONCURRENT_STREAMS closed streams per
        // connection for the (deprecated) priority tree: ~55 KB a connection under unary load,
        // 50 MB at 1,000 connections, measured with malloc_stats.
        nghttp2_option_set_no_closed_streams(options, 1)
        return options!
    }

    /// The response body callback, passed with every `nghttp2_submit_response` that has a body.
    static let readResponse: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        NghttpServerCallbacks.connection(userData).readResponse(streamID: streamID, into: buffer!, length: length, flags: flags!)
    }
}
