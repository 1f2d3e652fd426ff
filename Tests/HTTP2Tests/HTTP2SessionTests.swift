import CNghttp2
import HTTP2
import Testing

/// A session that records what nghttp2 calls back with, through the shared table.
private final class RecordingSession: HTTP2Session {
    var frameTypes: [UInt32] = []
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var closedStreams: [Int32] = []
    var readTags: [UnsafeMutableRawPointer?] = []
    var toSend: [UInt8] = []

    override func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        frameTypes.append(UInt32(frame.pointee.hd.type))
        return 0
    }

    override func header(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer
    ) -> Int32 {
        headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        return 0
    }

    override func dataChunk(streamID: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        body += Array(bytes)
        return 0
    }

    override func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
        closedStreams.append(streamID)
        return 0
    }

    override func readData(
        streamID: Int32, tag: UnsafeMutableRawPointer?, into buffer: UnsafeMutablePointer<UInt8>,
        length: Int, flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        readTags.append(tag)
        let count = min(length, toSend.count)
        buffer.update(from: toSend, count: count)
        toSend.removeFirst(count)
        if toSend.isEmpty { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return count
    }
}

/// A plain nghttp2 client session without callbacks: the peer the server session talks to.
private final class PeerClient {
    let session: OpaquePointer

    init() {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        var session: OpaquePointer?
        precondition(nghttp2_session_client_new(&session, callbacks, nil) == 0)
        self.session = session!
    }

    deinit { nghttp2_session_del(session) }

    func drain(into buffer: inout ByteBuffer) {
        while true {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            guard length > 0, let chunk else { return }
            buffer.append(UnsafeRawBufferPointer(start: chunk, count: length))
        }
    }

    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        #expect(nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count) == bytes.count)
    }
}

/// Moves bytes both ways until neither side has anything to say.
private func pump(_ client: PeerClient, _ server: HTTP2Session) {
    var buffer = ByteBuffer()
    for _ in 0..<20 {
        buffer.clear()
        client.drain(into: &buffer)
        let fromClient = buffer.count
        #expect(server.feed(buffer.readable))
        buffer.clear()
        #expect(server.drain(into: &buffer, limit: .max))
        let fromServer = buffer.count
        client.feed(buffer.readable)
        if fromClient == 0 && fromServer == 0 { return }
    }
}

@Suite struct HTTP2SessionTests {
    /// A request from a peer to `server`; returns its stream.
    private func request(from client: PeerClient) -> Int32 {
        nghttp2_submit_settings(client.session, 0, nil, 0)
        let headers = [
            nghttp2_nv(GRPCHeader.method, GRPCHeader.post), nghttp2_nv(GRPCHeader.scheme, GRPCHeader.http),
            nghttp2_nv(GRPCHeader.path, EchoService.unaryPath), nghttp2_nv(GRPCHeader.authority, "test")
        ]
        return nghttp2_submit_request(client.session, nil, headers, headers.count, nil, nil)
    }

    @Test func theServerReachesItsObjectThroughOneTable() throws {
        let server = try #require(
            RecordingSession(
                callbacks: HTTP2Callbacks([.frameReceived, .header, .dataChunk, .streamClosed]), options: nil))
        nghttp2_submit_settings(server.session, 0, nil, 0)
        let client = PeerClient()
        let stream = request(from: client)
        #expect(stream == 1)
        pump(client, server)
        #expect(server.headers.contains { $0 == (":path", "/bench.Echo/Unary") })
        #expect(server.frameTypes.contains(NGHTTP2_HEADERS.rawValue))
        // The answer's body comes from readData, with the provider's tag.
        server.toSend = Array("hello".utf8)
        let tag = UnsafeMutableRawPointer(bitPattern: 42)
        var provider = HTTP2Session.dataProvider(tag: tag)
        let response = [nghttp2_nv(GRPCHeader.status, GRPCHeader.ok)]
        #expect(nghttp2_submit_response(server.session, stream, response, response.count, &provider) == 0)
        pump(client, server)
        #expect(server.readTags.allSatisfy { $0 == tag } && !server.readTags.isEmpty, "the provider's tag reaches readData")
        #expect(server.closedStreams == [1])
        #expect(!server.isDone, "the connection stays")
        server.deleteSession()
        #expect(server.isDone)
        #expect(!server.feed(UnsafeRawBufferPointer(start: nil, count: 0)), "no session, nothing fed")
    }

    @Test func aTableCallsOnlyWhatItInstalls() throws {
        // Frames only: the headers arrive, but no header callback runs.
        let server = try #require(RecordingSession(callbacks: HTTP2Callbacks([.frameReceived]), options: nil))
        let client = PeerClient()
        _ = request(from: client)
        pump(client, server)
        #expect(server.frameTypes.contains(NGHTTP2_HEADERS.rawValue))
        #expect(server.headers.isEmpty)
    }

    @Test func garbageFailsFeed() throws {
        let server = try #require(RecordingSession(callbacks: HTTP2Callbacks([.frameReceived]), options: nil))
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(!garbage.withUnsafeBytes { server.feed($0) }, "not an HTTP/2 preface")
    }
}
