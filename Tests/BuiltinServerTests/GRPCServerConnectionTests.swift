import HTTP2
import Testing

@testable import BuiltinServer

/// Shuttles bytes between a test client and a socket-free server connection until neither
/// has anything more to say.
private func pump(_ client: H2TestClient, _ server: GRPCServerConnection, sourceLocation: SourceLocation = #_sourceLocation) {
    var output = ByteBuffer()
    for _ in 0..<10_000 {
        let request = client.output()
        if !request.isEmpty {
            #expect(request.withUnsafeBytes { server.feed($0) }, sourceLocation: sourceLocation)
        }
        output.clear()
        #expect(server.drain(into: &output, limit: .max), sourceLocation: sourceLocation)
        let response = output.readable
        if !response.isEmpty {
            #expect(client.receive(response), sourceLocation: sourceLocation)
        }
        if request.isEmpty && response.isEmpty { return }
    }
    Issue.record("client and server kept talking", sourceLocation: sourceLocation)
}

@Suite struct GRPCServerConnectionTests {
    @Test func unaryEchoesThePayload() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let message = payload(Array("hello, barrage".utf8))
        let call = client.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(message)])
        pump(client, server)
        #expect(call.field(":status") == "200")
        #expect(call.field("content-type") == "application/grpc")
        #expect(call.messages == [message])
        #expect(call.grpcStatus == 0)
        #expect(call.trailers.map(\.0) == ["grpc-status"])
        #expect(call.headerBlocks == 2, "headers, then trailers")
        #expect(call.closed && call.resetCode == nil)
        #expect(server.openStreams == 0)
    }

    @Test func messageSplitAcrossDataFramesAtEveryByte() {
        let message = grpcFrame(payload(Array("split me anywhere".utf8)))
        for split in 1..<message.count {
            let client = H2TestClient()
            let server = GRPCServerConnection()
            let call = client.start(
                path: "/bench.Echo/Unary",
                chunks: [Array(message[..<split]), Array(message[split...])])
            pump(client, server)
            #expect(call.body == message, "split at \(split)")
            #expect(call.grpcStatus == 0, "split at \(split)")
        }
        // And one byte per DATA frame.
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let call = client.start(path: "/bench.Echo/Unary", chunks: message.map { [$0] })
        pump(client, server)
        #expect(call.body == message)
        #expect(call.grpcStatus == 0)
    }

    @Test func streamEchoesEachMessageThenEndsWithOK() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let call = client.start(path: "/bench.Echo/Stream", end: false)
        pump(client, server)
        #expect(call.field(":status") == "200", "stream headers go out before any message")
        var sent: [[UInt8]] = []
        for round in 0..<5 {
            let message = payload(Array("ping \(round)".utf8))
            sent.append(message)
            // Split the second half of each message into its own frame too.
            let framed = grpcFrame(message)
            client.send(call, Array(framed[..<3]))
            client.send(call, Array(framed[3...]))
            pump(client, server)
            #expect(call.messages == sent, "one echo per message, as it arrives")
            #expect(call.grpcStatus == nil)
        }
        client.end(call)
        pump(client, server)
        #expect(call.grpcStatus == 0)
        #expect(call.closed && call.resetCode == nil)
        #expect(server.openStreams == 0)
    }

    @Test func streamEchoesSeveralMessagesFromOneFrame() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let messages = (0..<4).map { payload(Array(repeating: UInt8($0), count: $0 * 100)) }
        let call = client.start(path: "/bench.Echo/Stream", chunks: [messages.flatMap { grpcFrame($0) }])
        pump(client, server)
        #expect(call.messages == messages)
        #expect(call.grpcStatus == 0)
    }

    @Test func unknownMethodGetsTrailersOnlyUnimplemented() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let call = client.start(path: "/bench.Echo/Nope", chunks: [grpcFrame(payload([1]))])
        pump(client, server)
        #expect(call.headerBlocks == 1, "trailers-only: a single HEADERS frame")
        #expect(call.field(":status") == "200")
        #expect(call.field("content-type") == "application/grpc")
        #expect(call.grpcStatus == 12)
        #expect(call.field("grpc-message") == "unknown method /bench.Echo/Nope")
        #expect(call.body.isEmpty)
        #expect(call.closed)
        #expect(server.openStreams == 0)
    }

    @Test func earlyAnswerToAnOpenRequestResetsItWithNoError() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let call = client.start(path: "/other.Service/Method", end: false)
        pump(client, server)
        #expect(call.grpcStatus == 12)
        #expect(call.closed, "RST_STREAM(NO_ERROR) closes the half-open request")
        #expect(call.resetCode == nil)
        #expect(server.openStreams == 0)
    }

    @Test func hundredConcurrentStreamsOnOneConnection() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        var calls: [(H2TestClient.Call, [UInt8])] = []
        for index in 0..<100 {
            let message = payload(Array("call \(index)".utf8))
            let call = client.start(
                path: index % 2 == 0 ? "/bench.Echo/Unary" : "/bench.Echo/Stream",
                chunks: [grpcFrame(message)])
            calls.append((call, message))
        }
        pump(client, server)
        for (call, message) in calls {
            #expect(call.messages == [message])
            #expect(call.grpcStatus == 0)
        }
        #expect(server.openStreams == 0)
    }

    @Test func nonGRPCRequestsGetHTTPErrors() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let wrongType = client.start(
            path: "/bench.Echo/Unary", contentType: "application/json",
            chunks: [grpcFrame(payload([1]))])
        let get = client.start(path: "/bench.Echo/Unary", method: "GET")
        let suffixed = client.start(
            path: "/bench.Echo/Unary", contentType: "application/grpc+proto",
            chunks: [grpcFrame(payload([2]))])
        let lookalike = client.start(path: "/bench.Echo/Unary", contentType: "application/grpcx")
        pump(client, server)
        #expect(wrongType.field(":status") == "415")
        #expect(get.field(":status") == "405")
        #expect(suffixed.grpcStatus == 0, "application/grpc+proto is gRPC")
        #expect(lookalike.field(":status") == "415")
    }

    @Test func badMessagesEndTheCallWithAnError() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let good = grpcFrame(payload([7]))
        let compressed = client.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(payload([1]), compressed: 1)])
        let gzip = client.start(
            path: "/bench.Echo/Unary", extraHeaders: [("grpc-encoding", "gzip")],
            chunks: [grpcFrame(payload([1]), compressed: 1)])
        let garbage = client.start(path: "/bench.Echo/Unary", chunks: [grpcFrame([0xFF, 0xFF])])
        let wrongWireType = client.start(path: "/bench.Echo/Unary", chunks: [grpcFrame([0x08, 0x01])])
        let truncated = client.start(path: "/bench.Echo/Unary", chunks: [Array(good.dropLast())])
        let two = client.start(path: "/bench.Echo/Unary", chunks: [good + good])
        let none = client.start(path: "/bench.Echo/Unary")
        let huge = client.start(path: "/bench.Echo/Stream", chunks: [[0, 0x7F, 0xFF, 0xFF, 0xFF]], end: false)
        let brokenStream = client.start(path: "/bench.Echo/Stream", chunks: [good, [0, 0, 0, 0, 2, 0xFF, 0xFF]], end: false)
        pump(client, server)
        #expect(compressed.grpcStatus == 13)
        #expect(gzip.grpcStatus == 12)
        #expect(garbage.grpcStatus == 13)
        #expect(garbage.field("grpc-message") == "request is not a valid bench.Payload")
        #expect(wrongWireType.grpcStatus == 13)
        #expect(truncated.grpcStatus == 13)
        #expect(two.grpcStatus == 13)
        #expect(two.body.isEmpty, "nothing is echoed for a failed unary call")
        #expect(none.grpcStatus == 13)
        #expect(huge.grpcStatus == 8)
        #expect(brokenStream.messages == [payload([7])], "messages before the bad one were echoed")
        #expect(brokenStream.grpcStatus == 13)
        for call in [compressed, gzip, garbage, truncated, two, none, huge, brokenStream] {
            #expect(call.closed)
        }
        #expect(server.openStreams == 0)
    }

    @Test func largeMessagesCrossManyFramesBothWays() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        let message = payload((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let framed = grpcFrame(message)
        let chunks = stride(from: 0, to: framed.count, by: 10_000).map { Array(framed[$0..<min($0 + 10_000, framed.count)]) }
        let call = client.start(path: "/bench.Echo/Unary", chunks: chunks)
        pump(client, server)
        #expect(call.messages == [message])
        #expect(call.grpcStatus == 0)
    }

    @Test func aClientThatDoesNotReadIsThrottledNotBuffered() {
        let settings = GRPCServerSettings()
        let client = H2TestClient(window: 65_535, autoWindowUpdate: false)
        let server = GRPCServerConnection(settings: settings)
        let message = payload(Array(repeating: 0x5A, count: 16_000))
        let count = 400  // 6.4 MB: far beyond every window
        let call = client.start(path: "/bench.Echo/Stream", chunks: Array(repeating: grpcFrame(message), count: count))
        pump(client, server)
        #expect(!call.pending.isEmpty, "flow control holds the client back")
        #expect(server.queuedEchoBytes > 0)
        #expect(server.queuedEchoBytes <= settings.streamBacklogLimit + Int(settings.streamWindow) + 16_005)
        // Once the client reads again, everything flows.
        for _ in 0..<10_000 where !call.closed {
            client.consumeAll()
            pump(client, server)
        }
        #expect(call.messages.count == count)
        #expect(call.messages.allSatisfy { $0 == message })
        #expect(call.grpcStatus == 0)
    }

    @Test func connectionAndStreamsAreFreedWhenDropped() {
        weak var weakServer: GRPCServerConnection?
        do {
            let client = H2TestClient()
            let server = GRPCServerConnection()
            weakServer = server
            client.start(path: "/bench.Echo/Stream", chunks: [grpcFrame(payload([1]))], end: false)
            pump(client, server)
            #expect(server.openStreams == 1)
        }
        #expect(weakServer == nil, "a stream left open must not keep its connection alive")
    }

    @Test func streamObjectsAreReusedAcrossCalls() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        for round in 0..<50 {
            let call = client.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(payload([UInt8(round)]))])
            pump(client, server)
            #expect(call.messages == [payload([UInt8(round)])])
        }
        #expect(server.openStreams == 0)
    }

    @Test func terminateSendsGoAway() {
        let client = H2TestClient()
        let server = GRPCServerConnection()
        pump(client, server)
        server.terminate()
        pump(client, server)
        #expect(client.goAway)
        #expect(server.isDone)
    }

    @Test func garbageInsteadOfThePrefaceFailsTheConnection() {
        let server = GRPCServerConnection()
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(!garbage.withUnsafeBytes { server.feed($0) })
    }
}
