import CNghttp2
import HTTP2

/// The protocol half of one gRPC connection, with no socket: one nghttp2 server session
/// (through `HTTP2Session`) serving `bench.Echo` over cleartext HTTP/2 (prior knowledge). Feed
/// it what the client sent (`feed`), send what it produces (`drain`). Keeping sockets out makes
/// every protocol case testable in memory; `GRPCSocketConnection` binds it to TCP.
///
/// Confined to one thread, like the loop that drives it.
final class GRPCServerConnection: HTTP2Session {
    /// The callbacks every server session installs. Built once per process and only read
    /// afterwards (nghttp2 copies the table into each session), so loop threads share it.
    static let callbacks = HTTP2Callbacks(
        [.beginHeaders, .header, .frameReceived, .dataChunk, .frameSent, .streamClosed])
    /// The session options every server session shares, read-only like the table.
    nonisolated(unsafe) static let options: OpaquePointer = makeOptions()

    private let settings: GRPCServerSettings
    /// Owns the live streams; nghttp2's stream user data points at the same objects, so
    /// callbacks find them without a lookup here.
    private var streams: [Int32: GRPCStream] = [:]
    /// Finished stream objects kept for reuse; bounded, so a burst of concurrency does not
    /// leave an idle connection holding many.
    private var spares: [GRPCStream] = []
    private static let maxSpares = 16

    init(settings: GRPCServerSettings = GRPCServerSettings()) {
        self.settings = settings
        super.init(callbacks: Self.callbacks, options: Self.options)!
        let entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: settings.maxConcurrentStreams),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(settings.streamWindow))
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, settings.connectionWindow)
    }

    // MARK: Driving the session (`feed`, `drain` and `isDone` are HTTP2Session's: when `feed`
    // fails the connection is beyond saving — send what `drain` still yields, a GOAWAY, then close)

    /// Queues a GOAWAY(NO_ERROR), for a server that is shutting down.
    func terminate() {
        nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR.rawValue)
    }

    /// Streams currently open, for tests.
    var openStreams: Int { streams.count }

    /// Echo bytes queued in streams and not yet handed to nghttp2, for tests.
    var queuedEchoBytes: Int { streams.values.reduce(0) { $0 + $1.outbound.count } }

    // MARK: nghttp2 callbacks (overrides of HTTP2Session, installed by `callbacks`)

    override func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        guard frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
            frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST
        else { return 0 }
        let id = frame.pointee.hd.stream_id
        let stream = spares.popLast() ?? GRPCStream()
        stream.reset(id: id, keeping: settings.keptStreamBuffer)
        streams[id] = stream
        nghttp2_session_set_stream_user_data(session, id, Unmanaged.passUnretained(stream).toOpaque())
        return 0
    }

    override func header(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer
    ) -> Int32 {
        // Only request headers matter; a client's trailers (rare in gRPC) are ignored.
        guard let stream = stream(frame.pointee.hd.stream_id), case .headers = stream.phase else { return 0 }
        if name.equals(GRPCHeader.path) {
            if value.equals(EchoService.unaryPath) {
                stream.route = .unary
            } else if value.equals(EchoService.streamPath) {
                stream.route = .stream
            } else {
                stream.route = .unknown
                stream.unknownPath = String(decoding: value, as: UTF8.self)
            }
        } else if name.equals(GRPCHeader.method) {
            stream.isPost = value.equals(GRPCHeader.post)
        } else if name.equals(GRPCHeader.contentType) {
            // "application/grpc" alone or with a "+proto"-style suffix or parameters.
            let base = GRPCHeader.grpcContentType.utf8CodeUnitCount
            stream.hasGRPCContentType =
                value.hasPrefix(GRPCHeader.grpcContentType)
                && (value.count == base || value[base] == UInt8(ascii: "+") || value[base] == UInt8(ascii: ";"))
        } else if name.equals(GRPCHeader.encoding) {
            stream.encoding = value.equals(GRPCHeader.identity) ? .identity : .other
        }
        return 0
    }

    override func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        let isHeaders = header.type == UInt8(NGHTTP2_HEADERS.rawValue)
        guard isHeaders || header.type == UInt8(NGHTTP2_DATA.rawValue),
            let stream = stream(header.stream_id)
        else { return 0 }
        if isHeaders, case .headers = stream.phase { startCall(stream) }
        if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 { clientEnded(stream) }
        return 0
    }

    override func dataChunk(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        guard let stream = stream(streamID), case .receiving = stream.phase else {
            // Nobody wants these bytes (a refused or finished call): give the window back.
            nghttp2_session_consume(session, streamID, data.count)
            return 0
        }
        let failure = stream.reader.read(data, maxMessageSize: settings.maxMessageSize) { flag, body in
            stream.accept(flag: flag, body: body)
        }
        if let failure {
            nghttp2_session_consume(session, streamID, data.count)
            finish(stream, failure)
            return 0
        }
        if stream.outbound.count <= settings.streamBacklogLimit {
            nghttp2_session_consume(session, streamID, data.count)
        } else {
            stream.owedWindow += data.count
        }
        if case .stream = stream.route, !stream.outbound.isEmpty { resume(stream) }
        return 0
    }

    override func frameSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        guard header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
            let stream = stream(header.stream_id), !stream.clientEnded
        else { return 0 }
        // We answered before the client finished sending (an early error): per RFC 9113 §8.1
        // and gRPC's "early server closure", tell it to stop with RST_STREAM(NO_ERROR).
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, NGHTTP2_NO_ERROR.rawValue)
        return 0
    }

    override func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
        guard let stream = streams.removeValue(forKey: streamID) else { return 0 }
        // Window held back for this stream is owed to the connection as a whole.
        if stream.owedWindow > 0 { nghttp2_session_consume_connection(session, stream.owedWindow) }
        stream.reset(id: 0, keeping: settings.keptStreamBuffer)
        if spares.count < Self.maxSpares { spares.append(stream) }
        return 0
    }

    /// The response body of `streamID`: its queued echoes, then EOF before the trailers.
    override func readData(
        streamID: Int32, tag: UnsafeMutableRawPointer?, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
        flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard let stream = stream(streamID) else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(length, stream.outbound.count)
        if count > 0 {
            UnsafeMutableRawPointer(buffer).copyMemory(from: stream.outbound.readable.baseAddress!, byteCount: count)
            stream.outbound.consume(count)
            if stream.owedWindow > 0, stream.outbound.count <= settings.streamBacklogLimit {
                nghttp2_session_consume(session, streamID, stream.owedWindow)
                stream.owedWindow = 0
            }
        }
        if stream.outbound.isEmpty, case .closing(let status) = stream.phase {
            // Trailers follow this DATA, so it must not carry END_STREAM itself.
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
            submitTrailers(stream, status)
            stream.phase = .finished
            return count
        }
        if count == 0 {
            stream.dataDeferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return count
    }

    // MARK: Call logic

    private func stream(_ id: Int32) -> GRPCStream? {
        guard let pointer = nghttp2_session_get_stream_user_data(session, id) else { return nil }
        return Unmanaged<GRPCStream>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The request headers are complete: refuse what is not a gRPC call to bench.Echo,
    /// otherwise start it.
    private func startCall(_ stream: GRPCStream) {
        stream.phase = .receiving
        guard stream.isPost else {
            respondWithHTTPError(stream, status: "405")
            return
        }
        guard stream.hasGRPCContentType else {
            respondWithHTTPError(stream, status: "415")
            return
        }
        switch stream.route {
        case .unknown:
            finish(stream, GRPCStatus(code: .unimplemented, message: "unknown method \(stream.unknownPath)"))
        case .stream:
            // Headers go out at once; each echoed message follows as it arrives.
            submitResponse(stream)
        case .unary:
            break  // answered once the one request message and END_STREAM are in
        }
    }

    private func clientEnded(_ stream: GRPCStream) {
        stream.clientEnded = true
        guard case .receiving = stream.phase else { return }
        if stream.reader.hasPartialMessage {
            finish(stream, GRPCStatus(code: .internal, message: "request ended inside a message"))
        } else if case .unary = stream.route, stream.messages == 0 {
            finish(stream, GRPCStatus(code: .internal, message: "unary call without a request message"))
        } else {
            finish(stream, .ok)
        }
    }

    /// Ends the call with `status`, in trailers after the echoes already queued, or
    /// trailers-only when no response was started (a failed unary call echoes nothing).
    private func finish(_ stream: GRPCStream, _ status: GRPCStatus) {
        switch stream.phase {
        case .closing, .finished: return
        case .headers, .receiving: break
        }
        // Echoes of messages accepted before a failure still go out, as a real handler
        // would have sent them already; only the unfinished message is dropped.
        stream.reader.reset(keeping: settings.keptStreamBuffer)
        if stream.responseStarted {
            stream.phase = .closing(status)
            resume(stream)
        } else if status.code == .ok {
            stream.phase = .closing(status)
            submitResponse(stream)
        } else {
            stream.phase = .finished
            submitTrailersOnly(stream, status)
        }
    }

    private func resume(_ stream: GRPCStream) {
        guard stream.dataDeferred else { return }
        stream.dataDeferred = false
        nghttp2_session_resume_data(session, stream.id)
    }

    /// HEADERS `:status 200`, `content-type: application/grpc`, with the body read from
    /// `stream.outbound` by `readResponse`.
    private func submitResponse(_ stream: GRPCStream) {
        stream.responseStarted = true
        var provider = Self.dataProvider(tag: nil)
        withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: 2) { headers in
            headers[0] = nghttp2_nv(GRPCHeader.status, GRPCHeader.ok)
            headers[1] = nghttp2_nv(GRPCHeader.contentType, GRPCHeader.grpcContentType)
            _ = nghttp2_submit_response(session, stream.id, headers.baseAddress, 2, &provider)
        }
    }

    private func submitTrailers(_ stream: GRPCStream, _ status: GRPCStatus) {
        if status.code == .ok {
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: 1) { trailers in
                trailers[0] = nghttp2_nv(GRPCHeader.grpcStatus, GRPCStatus.Code.ok.text)
                _ = nghttp2_submit_trailer(session, stream.id, trailers.baseAddress, 1)
            }
            return
        }
        var message = status.encodedMessage
        message.withUnsafeMutableBufferPointer { message in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: 2) { trailers in
                trailers[0] = nghttp2_nv(GRPCHeader.grpcStatus, status.code.text)
                trailers[1] = nghttp2_nv(GRPCHeader.grpcMessage, copying: message)
                _ = nghttp2_submit_trailer(session, stream.id, trailers.baseAddress, 2)
            }
        }
    }

    /// One HEADERS frame with END_STREAM carrying status and trailers: gRPC's answer to a
    /// call that fails before any response.
    private func submitTrailersOnly(_ stream: GRPCStream, _ status: GRPCStatus) {
        var message = status.encodedMessage
        message.withUnsafeMutableBufferPointer { message in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: 4) { headers in
                headers[0] = nghttp2_nv(GRPCHeader.status, GRPCHeader.ok)
                headers[1] = nghttp2_nv(GRPCHeader.contentType, GRPCHeader.grpcContentType)
                headers[2] = nghttp2_nv(GRPCHeader.grpcStatus, status.code.text)
                headers[3] = nghttp2_nv(GRPCHeader.grpcMessage, copying: message)
                _ = nghttp2_submit_response(session, stream.id, headers.baseAddress, 4, nil)
            }
        }
    }

    /// A bare HTTP status with END_STREAM, for requests that are not gRPC at all.
    private func respondWithHTTPError(_ stream: GRPCStream, status: StaticString) {
        stream.phase = .finished
        withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: 1) { headers in
            headers[0] = nghttp2_nv(GRPCHeader.status, status)
            _ = nghttp2_submit_response(session, stream.id, headers.baseAddress, 1, nil)
        }
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
}
