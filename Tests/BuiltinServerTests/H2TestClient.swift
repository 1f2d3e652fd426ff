import CNghttp2

/// A minimal HTTP/2 client over an nghttp2 client session, for driving the server in tests:
/// bytes in and out by hand (`output`/`receive`), so it works in memory or over a socket.
///
/// Each request chunk goes out as (at most) one DATA frame, which lets a test choose frame
/// boundaries exactly.
final class H2TestClient {
    /// One request/response exchange.
    final class Call {
        let id: Int32
        var responseHeaders: [(String, String)] = []
        var trailers: [(String, String)] = []
        var body: [UInt8] = []
        /// Request chunks not yet sent, one DATA frame each.
        var pending: [[UInt8]] = []
        /// No chunks follow the pending ones: END_STREAM after them.
        var ended = false
        var deferred = false
        var closed = false
        var resetCode: UInt32?
        var headerBlocks = 0
        /// DATA bytes received but not yet given back as window (without auto window update).
        var unconsumed = 0

        init(id: Int32) { self.id = id }

        /// The value of a response header or trailer.
        func field(_ name: String) -> String? {
            (trailers + responseHeaders).first { $0.0 == name }?.1
        }

        /// `grpc-status` as a number, from trailers or a trailers-only response.
        var grpcStatus: Int? { field("grpc-status").flatMap { Int($0) } }

        /// The response body cut into gRPC messages (bodies only, prefixes checked).
        var messages: [[UInt8]] {
            var result: [[UInt8]] = []
            var offset = 0
            while body.count - offset >= 5 {
                let length =
                    Int(body[offset + 1]) << 24 | Int(body[offset + 2]) << 16
                    | Int(body[offset + 3]) << 8 | Int(body[offset + 4])
                guard body.count - offset - 5 >= length else { break }
                result.append(Array(body[(offset + 5)..<(offset + 5 + length)]))
                offset += 5 + length
            }
            return result
        }
    }

    private var session: OpaquePointer?
    private(set) var calls: [Int32: Call] = [:]
    /// GOAWAY seen from the server.
    private(set) var goAway = false

    /// `window` is the receive window per stream; with `autoWindowUpdate` false the client
    /// gives window back only in `consumeAll()`, i.e. it stops "reading" until then.
    init(window: UInt32 = 1 << 24, autoWindowUpdate: Bool = true) {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            let this = Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
            guard let call = this.calls[frame!.pointee.hd.stream_id] else { return 0 }
            let field = (
                String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            )
            if frame!.pointee.headers.cat == NGHTTP2_HCAT_HEADERS {
                call.trailers.append(field)
            } else {
                call.responseHeaders.append(field)
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            let this = Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
            if frame!.pointee.hd.type == UInt8(NGHTTP2_GOAWAY.rawValue) { this.goAway = true }
            if frame!.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) {
                this.calls[frame!.pointee.hd.stream_id]?.headerBlocks += 1
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { session, _, id, data, length, user in
            let this = Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
            this.calls[id]?.body.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            this.calls[id]?.unconsumed += length
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, id, errorCode, user in
            let this = Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
            this.calls[id]?.closed = true
            if errorCode != 0 { this.calls[id]?.resetCode = errorCode }
            return 0
        }
        var options: OpaquePointer?
        nghttp2_option_new(&options)
        defer { nghttp2_option_del(options) }
        nghttp2_option_set_no_auto_window_update(options, autoWindowUpdate ? 0 : 1)
        nghttp2_session_client_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), options)
        // By default big windows, so flow control never stalls a test by accident.
        let entries = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: window)]
        nghttp2_submit_settings(session, 0, entries, entries.count)
        nghttp2_session_set_local_window_size(session, 0, 0, 1 << 30)
    }

    deinit {
        nghttp2_session_del(session)
    }

    /// Starts a request. `chunks` go out as DATA frames; `end` closes the request side after
    /// them (with no chunks and `end`, the HEADERS frame itself carries END_STREAM).
    @discardableResult
    func start(
        path: String, method: String = "POST", contentType: String = "application/grpc",
        extraHeaders: [(String, String)] = [], chunks: [[UInt8]] = [], end: Bool = true
    ) -> Call {
        let fields =
            [
                (":method", method), (":scheme", "http"), (":path", path),
                (":authority", "localhost"), ("content-type", contentType), ("te", "trailers")
            ]
            + extraHeaders
        // nghttp2 copies the fields during the submit call, so copies that live until it
        // returns are enough.
        var copies: [UnsafeMutableBufferPointer<UInt8>] = []
        defer { copies.forEach { $0.deallocate() } }
        func copy(_ text: String) -> UnsafeMutableBufferPointer<UInt8> {
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(text.utf8.count, 1))
            _ = buffer.initialize(from: text.utf8)
            copies.append(buffer)
            return buffer
        }
        let headers = fields.map { field -> nghttp2_nv in
            let name = copy(field.0)
            let value = copy(field.1)
            return nghttp2_nv(
                name: name.baseAddress, value: value.baseAddress,
                namelen: field.0.utf8.count, valuelen: field.1.utf8.count, flags: 0)
        }
        let id: Int32
        if chunks.isEmpty && end {
            id = nghttp2_submit_request(session, nil, headers, headers.count, nil, nil)
        } else {
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: nil),
                read_callback: { _, id, buffer, length, flags, _, user in
                    let this = Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
                    return this.read(id, buffer!, length, flags!)
                })
            id = nghttp2_submit_request(session, nil, headers, headers.count, &provider, nil)
        }
        precondition(id > 0, "nghttp2_submit_request: \(id)")
        let call = Call(id: id)
        call.pending = chunks
        call.ended = end
        calls[id] = call
        return call
    }

    /// Queues one more DATA frame on an open request.
    func send(_ call: Call, _ chunk: [UInt8], end: Bool = false) {
        call.pending.append(chunk)
        call.ended = end
        wake(call)
    }

    /// Ends the request side (an empty DATA frame with END_STREAM).
    func end(_ call: Call) {
        call.ended = true
        wake(call)
    }

    private func wake(_ call: Call) {
        if call.deferred {
            call.deferred = false
            nghttp2_session_resume_data(session, call.id)
        }
    }

    private func read(_ id: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ length: Int, _ flags: UnsafeMutablePointer<UInt32>)
        -> Int
    {
        guard let call = calls[id] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        if call.pending.isEmpty {
            if call.ended {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                return 0
            }
            call.deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        var chunk = call.pending.removeFirst()
        let count = min(length, chunk.count)
        chunk.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: count) }
        if count < chunk.count {
            chunk.removeFirst(count)
            call.pending.insert(chunk, at: 0)
        } else if call.pending.isEmpty && call.ended {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        }
        return count
    }

    /// Gives back the window for all DATA received so far (a client that "reads" again).
    func consumeAll() {
        for call in calls.values where call.unconsumed > 0 {
            nghttp2_session_consume(session, call.id, call.unconsumed)
            call.unconsumed = 0
        }
    }

    /// Everything the session wants to send now.
    func output() -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            var data: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &data)
            precondition(length >= 0, "client mem_send: \(length)")
            guard length > 0 else { return bytes }
            bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }
    }

    /// Feeds bytes from the server; false on a fatal protocol error.
    @discardableResult
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count) == bytes.count
    }
}

/// Frames a gRPC message: flag 0, big-endian length, body.
func grpcFrame(_ body: [UInt8], compressed: UInt8 = 0) -> [UInt8] {
    let length = UInt32(body.count)
    return [
        compressed, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16),
        UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)
    ] + body
}

/// A serialized `bench.Payload { body }` (field 1, length-delimited).
func payload(_ body: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x0A]
    var length = body.count
    while length >= 0x80 {
        bytes.append(UInt8(length & 0x7F) | 0x80)
        length >>= 7
    }
    bytes.append(UInt8(length))
    return bytes + body
}
