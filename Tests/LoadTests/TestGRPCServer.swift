import CNghttp2

@testable import Load

/// What the test server answers to a call.
enum TestServerBehavior: Equatable {
    /// Echo every request message; a unary call then ends with `grpc-status: 0`.
    case echo
    /// One HEADERS frame with END_STREAM: `:status 200` plus this `grpc-status`.
    case trailersOnly(status: Int)
    /// Echo the message, then trailers with this `grpc-status`.
    case echoThenStatus(Int)
    /// Response headers and trailers `grpc-status: 0`, but no message.
    case noMessage
    /// Two echoes of the message for one unary request.
    case twoMessages
    /// Trailers without `grpc-status`.
    case missingStatus
    /// `:status` N with END_STREAM, nothing else.
    case httpStatus(Int)
    /// RST_STREAM(CANCEL) once the request message is in.
    case reset
    /// Never answer.
    case silent
    /// Server streaming: the request message back this many times, then `grpc-status: 0`.
    case repeatThenEnd(Int)
    /// Client streaming: nothing until the request ends, then its last message and `grpc-status: 0`.
    case answerAtEnd
    /// Echo the message gzip-compressed (`grpc-encoding: gzip`, flag 1) this many times, then
    /// `grpc-status: 0`; `corrupt` flips a byte inside the deflate data; `encoding` is the header's value.
    case compressedEcho(times: Int, corrupt: Bool = false, encoding: String = "gzip")
}

/// An HTTP/2 gRPC server written for the tests on nghttp2's server session, entirely in
/// memory: bytes go in with `receive`, come out of `takeOutput`. It answers `bench.Echo` calls
/// as `behavior` says and can split its DATA frames to `maxDataFrame` bytes.
final class TestGRPCServer {
    final class Call {
        let streamID: Int32
        var headers: [(String, String)] = []
        var inbound: [UInt8] = []
        var messages: [[UInt8]] = []
        var outbound: [UInt8] = []
        var responded = false
        var deferred = false
        /// Send trailers with this status once `outbound` is drained.
        var finishStatus: Int?
        var endAfterFinish = true
        /// The client sent END_STREAM.
        var halfClosed = false

        init(streamID: Int32) { self.streamID = streamID }
    }

    private(set) var session: OpaquePointer!
    var behavior: (Int32) -> TestServerBehavior
    var maxDataFrame = 16384
    private(set) var calls: [Int32: Call] = [:]
    /// Every stream opened, in order.
    private(set) var streamOrder: [Int32] = []
    private(set) var resetsReceived: [Int32] = []
    private(set) var goawaysReceived = 0
    /// SETTINGS frames with the ACK flag the client sent.
    private(set) var settingsAcksReceived = 0

    /// A server allowing `maxConcurrentStreams` streams, announcing `settings` (nghttp2 setting
    /// ID, value) besides, answering as `behavior` says.
    init(
        maxConcurrentStreams: UInt32 = 1000, settings extra: [(UInt32, UInt32)] = [],
        behavior: @escaping (Int32) -> TestServerBehavior = { _ in .echo }
    ) {
        self.behavior = behavior
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            let server = TestGRPCServer.from(userData)
            let id = frame!.pointee.hd.stream_id
            if server.calls[id] == nil {
                server.calls[id] = Call(streamID: id)
                server.streamOrder.append(id)
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, frame, name, nameLength, value, valueLength, _, userData in
            let server = TestGRPCServer.from(userData)
            let n = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let v = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            server.calls[frame!.pointee.hd.stream_id]?.headers.append((n, v))
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            TestGRPCServer.from(userData).dataReceived(streamID, Array(UnsafeBufferPointer(start: data, count: length)))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            let server = TestGRPCServer.from(userData)
            switch UInt32(frame!.pointee.hd.type) {
            case NGHTTP2_RST_STREAM.rawValue: server.resetsReceived.append(frame!.pointee.hd.stream_id)
            case NGHTTP2_GOAWAY.rawValue: server.goawaysReceived += 1
            case NGHTTP2_SETTINGS.rawValue where frame!.pointee.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0:
                server.settingsAcksReceived += 1
            case NGHTTP2_DATA.rawValue, NGHTTP2_HEADERS.rawValue:
                if frame!.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 {
                    server.requestEnded(frame!.pointee.hd.stream_id)
                }
            default: break
            }
            return 0
        }
        let userData = Unmanaged.passUnretained(self).toOpaque()
        var session: OpaquePointer?
        precondition(nghttp2_session_server_new(&session, callbacks, userData) == 0)
        self.session = session
        var settings =
            [
                nghttp2_settings_entry(
                    settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                    value: maxConcurrentStreams)
            ] + extra.map { nghttp2_settings_entry(settings_id: Int32($0.0), value: $0.1) }
        nghttp2_submit_settings(session, 0, &settings, settings.count)
    }

    deinit {
        nghttp2_session_del(session)
    }

    static func from(_ userData: UnsafeMutableRawPointer?) -> TestGRPCServer {
        Unmanaged<TestGRPCServer>.fromOpaque(userData!).takeUnretainedValue()
    }

    // MARK: Bytes

    /// Feeds bytes from the client; false if the session rejected them.
    @discardableResult
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return true }
        return nghttp2_session_mem_recv(session, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count) >= 0
    }

    /// Everything the server has to send right now.
    func takeOutput() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            guard length > 0 else { break }
            out.append(contentsOf: UnsafeBufferPointer(start: chunk, count: length))
        }
        return out
    }

    /// Sends GOAWAY naming `lastStreamID` as the last stream it will process.
    func goAway(lastStreamID: Int32, errorCode: UInt32 = NGHTTP2_NO_ERROR.rawValue) {
        nghttp2_submit_goaway(session, 0, lastStreamID, errorCode, nil, 0)
    }

    /// Starts a graceful shutdown the way servers do: GOAWAY with the largest stream ID, so
    /// streams already on their way are still served while the client stops opening new ones.
    func shutdownNotice() {
        nghttp2_submit_shutdown_notice(session)
    }

    /// Resets `streamID` with `code`.
    func reset(_ streamID: Int32, code: UInt32 = NGHTTP2_CANCEL.rawValue) {
        nghttp2_submit_rst_stream(session, 0, streamID, code)
    }

    /// Answers a call held back by `.silent`: echo its messages and end with `grpc-status: 0`.
    func answerLate(_ streamID: Int32) {
        guard let call = calls[streamID], let message = call.messages.first else { return }
        call.outbound += message
        call.finishStatus = 0
        respond(call, extraHeaders: [], withBody: true)
    }

    // MARK: Calls

    /// The client half-closed `streamID`: a client-streaming call is answered now, and an
    /// echo stream ends as a bidi server's would.
    private func requestEnded(_ streamID: Int32) {
        guard let call = calls[streamID] else { return }
        call.halfClosed = true
        if case .answerAtEnd = behavior(streamID), let last = call.messages.last {
            call.outbound += last
            call.finishStatus = 0
            respond(call, extraHeaders: [], withBody: true)
        } else if call.responded, call.finishStatus == nil, case .echo = behavior(streamID) {
            call.finishStatus = 0
            resume(call)
        }
    }

    private func dataReceived(_ streamID: Int32, _ bytes: [UInt8]) {
        guard let call = calls[streamID] else { return }
        call.inbound += bytes
        while call.inbound.count >= 5 {
            let length =
                Int(call.inbound[1]) << 24 | Int(call.inbound[2]) << 16 | Int(call.inbound[3]) << 8 | Int(call.inbound[4])
            guard call.inbound.count >= 5 + length else { break }
            let message = Array(call.inbound[0..<(5 + length)])
            call.inbound.removeFirst(5 + length)
            call.messages.append(message)
            messageArrived(message, on: call)
        }
    }

    private func messageArrived(_ message: [UInt8], on call: Call) {
        let unary = call.headers.contains { $0 == (":path", "/bench.Echo/Unary") }
        if call.responded {
            // A stream's next ping.
            call.outbound += message
            resume(call)
            return
        }
        switch behavior(call.streamID) {
        case .echo:
            call.outbound += message
            if unary { call.finishStatus = 0 }
            respond(call, extraHeaders: [], withBody: true)
        case .trailersOnly(let status):
            respond(call, extraHeaders: [("grpc-status", "\(status)"), ("grpc-message", "no")], withBody: false)
        case .echoThenStatus(let status):
            call.outbound += message
            call.finishStatus = status
            respond(call, extraHeaders: [], withBody: true)
        case .noMessage:
            call.finishStatus = 0
            respond(call, extraHeaders: [], withBody: true)
        case .twoMessages:
            call.outbound += message + message
            call.finishStatus = 0
            respond(call, extraHeaders: [], withBody: true)
        case .missingStatus:
            call.outbound += message
            call.finishStatus = -1
            respond(call, extraHeaders: [], withBody: true)
        case .httpStatus(let status):
            call.responded = true
            withHeaders([(":status", "\(status)")]) { nva, count in
                _ = nghttp2_submit_response(session, call.streamID, nva, count, nil)
            }
        case .reset:
            call.responded = true
            reset(call.streamID)
        case .repeatThenEnd(let count):
            for _ in 0..<count { call.outbound += message }
            call.finishStatus = 0
            respond(call, extraHeaders: [], withBody: true)
        case .compressedEcho(let times, let corrupt, let encoding):
            var body = Gzip.compress(Array(message[5...]))
            if corrupt { body[body.count / 2] ^= 0x55 }
            let framed = GRPCRequestTemplate.frame(body, compressed: true)
            for _ in 0..<times { call.outbound += framed }
            call.finishStatus = 0
            respond(call, extraHeaders: [("grpc-encoding", encoding)], withBody: true)
        case .silent, .answerAtEnd:
            break
        }
    }

    private func respond(_ call: Call, extraHeaders: [(String, String)], withBody: Bool) {
        call.responded = true
        let headers = [(":status", "200"), ("content-type", "application/grpc")] + extraHeaders
        withHeaders(headers) { nva, count in
            if withBody {
                var provider = nghttp2_data_provider(
                    source: nghttp2_data_source(fd: 0),
                    read_callback: { _, streamID, buffer, length, flags, _, userData in
                        TestGRPCServer.from(userData).read(streamID, into: buffer!, length: length, flags: flags!)
                    })
                _ = nghttp2_submit_response(session, call.streamID, nva, count, &provider)
            } else {
                _ = nghttp2_submit_response(session, call.streamID, nva, count, nil)
            }
        }
    }

    private func resume(_ call: Call) {
        if call.deferred {
            call.deferred = false
            nghttp2_session_resume_data(session, call.streamID)
        }
    }

    private func read(
        _ streamID: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
        flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard let call = calls[streamID] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(length, maxDataFrame, call.outbound.count)
        for index in 0..<count { buffer[index] = call.outbound[index] }
        call.outbound.removeFirst(count)
        if call.outbound.isEmpty, let status = call.finishStatus {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
            let trailers = status >= 0 ? [("grpc-status", "\(status)")] : [("x-no-status", "1")]
            withHeaders(trailers) { nva, n in
                _ = nghttp2_submit_trailer(session, streamID, nva, n)
            }
            return count
        }
        if count == 0 {
            call.deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return count
    }

    /// Calls `body` with C name/value pairs for `headers`; nghttp2 copies them.
    private func withHeaders(_ headers: [(String, String)], _ body: (UnsafePointer<nghttp2_nv>, Int) -> Void) {
        var storage: [UnsafeMutablePointer<UInt8>] = []
        var nva: [nghttp2_nv] = []
        for (name, value) in headers {
            let n = UnsafeMutablePointer<UInt8>.allocate(capacity: max(name.utf8.count, 1))
            n.initialize(from: Array(name.utf8), count: name.utf8.count)
            let v = UnsafeMutablePointer<UInt8>.allocate(capacity: max(value.utf8.count, 1))
            v.initialize(from: Array(value.utf8), count: value.utf8.count)
            storage += [n, v]
            nva.append(nghttp2_nv(name: n, value: v, namelen: name.utf8.count, valuelen: value.utf8.count, flags: 0))
        }
        nva.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        for pointer in storage { pointer.deallocate() }
    }
}
