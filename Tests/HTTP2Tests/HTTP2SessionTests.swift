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

/// Moves bytes both ways until neither session has anything to say.
private func pump(_ a: HTTP2Session, _ b: HTTP2Session) {
    var buffer = ByteBuffer()
    for _ in 0..<20 {
        buffer.clear()
        #expect(a.drain(into: &buffer, limit: .max))
        let fromA = buffer.count
        #expect(b.feed(buffer.readable))
        buffer.clear()
        #expect(b.drain(into: &buffer, limit: .max))
        let fromB = buffer.count
        #expect(a.feed(buffer.readable))
        if fromA == 0 && fromB == 0 { return }
    }
}

@Suite struct HTTP2SessionTests {
    @Test func bothSidesReachTheirObjectThroughOneTable() throws {
        // The client listens to frames only; the server to headers, data and closes as well.
        let client = try #require(RecordingSession(role: .client, callbacks: HTTP2Callbacks([.frameReceived]), options: nil))
        let server = try #require(
            RecordingSession(
                role: .server, callbacks: HTTP2Callbacks([.frameReceived, .header, .dataChunk, .streamClosed]), options: nil))
        nghttp2_submit_settings(client.session, 0, nil, 0)
        nghttp2_submit_settings(server.session, 0, nil, 0)
        client.toSend = Array("hello".utf8)
        let tag = UnsafeMutableRawPointer(bitPattern: 42)
        var provider = HTTP2Session.dataProvider(tag: tag)
        let headers = [
            nghttp2_nv(GRPCHeader.method, GRPCHeader.post), nghttp2_nv(GRPCHeader.scheme, GRPCHeader.http),
            nghttp2_nv(GRPCHeader.path, EchoService.unaryPath), nghttp2_nv(GRPCHeader.authority, "test")
        ]
        let stream = nghttp2_submit_request(client.session, nil, headers, headers.count, &provider, nil)
        #expect(stream == 1)
        pump(client, server)
        #expect(server.headers.contains { $0 == (":path", "/bench.Echo/Unary") })
        #expect(server.body == Array("hello".utf8))
        #expect(client.readTags.allSatisfy { $0 == tag } && !client.readTags.isEmpty, "the provider's tag reaches readData")
        // The server answers with HEADERS and END_STREAM: the client sees the frame, but no
        // header callbacks, which its table does not install.
        let response = [nghttp2_nv(GRPCHeader.status, GRPCHeader.ok)]
        #expect(nghttp2_submit_response(server.session, stream, response, response.count, nil) == 0)
        pump(client, server)
        #expect(client.frameTypes.contains(NGHTTP2_HEADERS.rawValue))
        #expect(client.headers.isEmpty)
        #expect(server.closedStreams == [1])
        #expect(!client.isDone && !server.isDone, "the connection stays")
        client.deleteSession()
        #expect(client.isDone)
        #expect(!client.feed(UnsafeRawBufferPointer(start: nil, count: 0)), "no session, nothing fed")
    }

    @Test func garbageFailsFeed() throws {
        let server = try #require(RecordingSession(role: .server, callbacks: HTTP2Callbacks([.frameReceived]), options: nil))
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(!garbage.withUnsafeBytes { server.feed($0) }, "not an HTTP/2 preface")
    }
}
