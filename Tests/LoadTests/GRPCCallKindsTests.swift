import CNghttp2
import Testing
import UV

@testable import Load

/// What a user's own service needs from the client: its messages dealt round-robin, its
/// metadata, deadline and compression on every call, and each streaming kind counted as
/// SPEC.md says (one request per message).
@Suite struct GRPCCallKindsTests {
    private func now() -> UInt64 { Loop.hrtime() }

    @Test func requestsAreDealtRoundRobinOverCalls() {
        let bodies: [[UInt8]] = [[0x08, 0x01], [0x08, 0x02], [0x08, 0x03]]
        let pair = InMemoryPair(callOptions: GRPCCallOptions(requests: bodies))
        pair.handshake()
        for _ in 0..<4 {
            #expect(pair.client.submit(startNs: now(), nowNs: now()))
            pair.pump()
        }
        let sent = pair.server.streamOrder.compactMap { pair.server.calls[$0]?.messages.first }
        #expect(sent == [bodies[0], bodies[1], bodies[2], bodies[0]].map { GRPCRequestTemplate.frame($0, compressed: false) })
        #expect(pair.recorder.successes == 4)
    }

    @Test func metadataDeadlineAndCompressionGoOnEveryCall() throws {
        let options = GRPCCallOptions(
            metadata: [("authorization", "Bearer s3cret"), ("trace-bin", "AAEC")], deadlineMs: 250, gzip: true)
        let pair = InMemoryPair(callOptions: options)
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        let call = try #require(pair.server.calls[pair.server.streamOrder[0]])
        let headers = Dictionary(call.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["authorization"] == "Bearer s3cret")
        #expect(headers["trace-bin"] == "AAEC")
        #expect(headers["grpc-timeout"] == "250m")
        #expect(headers["grpc-encoding"] == "gzip")
        #expect(headers["grpc-accept-encoding"] == "identity,gzip")
        // Flagged compressed, and a gzip member (magic 1f 8b) behind the prefix.
        let message = try #require(call.messages.first)
        #expect(message[0] == 1)
        #expect(Array(message[5..<7]) == [0x1F, 0x8B])
    }

    @Test func withoutOptionsTheHeadersStayBenchEchos() throws {
        let pair = InMemoryPair()
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        let call = try #require(pair.server.calls[pair.server.streamOrder[0]])
        let names = Set(call.headers.map(\.0))
        #expect(names.isDisjoint(with: ["grpc-timeout", "grpc-encoding", "grpc-accept-encoding"]))
    }

    @Test func grpcTimeoutUsesTheFinestUnitThatFits() {
        #expect(GRPCCallOptions.timeoutHeader(milliseconds: 200) == "200m")
        #expect(GRPCCallOptions.timeoutHeader(milliseconds: 99_999_999) == "99999999m")
        #expect(GRPCCallOptions.timeoutHeader(milliseconds: 100_000_000) == "100000S")
    }

    @Test func aCallPastItsDeadlineCountsAsDeadlineExceeded() {
        let pair = InMemoryPair(callOptions: GRPCCallOptions(deadlineMs: 50)) { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        pair.client.expire(sentBefore: now() + 1, nowNs: now())
        #expect(pair.recorder.errorKinds == ["DEADLINE_EXCEEDED"])
    }

    @Test func theServersMessageIsDecodedAndBounded() {
        let text = Array("missing%20authorization %E2%9C%93".utf8)
        #expect(text.withUnsafeBytes { GRPCStatusCode.decodeMessage($0) } == "missing authorization ✓")
        let long = Array(repeating: UInt8(ascii: "x"), count: 1000)
        #expect(long.withUnsafeBytes { GRPCStatusCode.decodeMessage($0, limit: 10) } == "xxxxxxxxxx…")
    }

    @Test func serverStreamingCountsEveryMessage() {
        let pair = InMemoryPair(call: .serverStreaming) { _ in .repeatThenEnd(3) }
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        #expect(pair.recorder.outcomes == [.success, .success, .success])
        #expect(pair.client.requestsInFlight == 0)
        #expect(pair.client.freeSlots == 1)
        // The next call opens a stream of its own.
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        #expect(pair.recorder.successes == 6)
        #expect(pair.server.streamOrder.count == 2)
        #expect(pair.recorder.streams == 2, "each call that ended well is one stream, its messages the requests")
    }

    @Test func serverStreamingFailureAfterMessagesCountsOnce() {
        let pair = InMemoryPair(call: .serverStreaming) { _ in .echoThenStatus(16) }
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        #expect(pair.recorder.outcomes == [.success, .grpcStatus(16)])
        #expect(pair.client.requestsInFlight == 0)
        #expect(pair.recorder.streams == 0, "a stream that failed is no stream served")
    }

    @Test func clientStreamingSendsItsMessagesThenCountsEach() throws {
        let bodies: [[UInt8]] = [[0x08, 0x01], [0x08, 0x02]]
        let pair = InMemoryPair(
            call: .clientStreaming, callOptions: GRPCCallOptions(requests: bodies, messagesPerStream: 3)
        ) { _ in .answerAtEnd }
        pair.handshake()
        pair.client.submit(startNs: now(), nowNs: now())
        pair.pump()
        let call = try #require(pair.server.calls[pair.server.streamOrder[0]])
        #expect(call.messages == [bodies[0], bodies[1], bodies[0]].map { GRPCRequestTemplate.frame($0, compressed: false) })
        #expect(call.halfClosed)
        #expect(pair.recorder.outcomes == [.success, .success, .success])
        #expect(pair.client.freeSlots == 1)
        #expect(pair.recorder.streams == 1)
    }

    @Test func bidiWithMessagesPerStreamHalfClosesAndOpensANewStream() throws {
        let pair = InMemoryPair(call: .stream, callOptions: GRPCCallOptions(messagesPerStream: 2))
        pair.handshake()
        for _ in 0..<3 {
            #expect(pair.client.submit(startNs: now(), nowNs: now()))
            pair.pump()
        }
        #expect(pair.recorder.successes == 3)
        #expect(pair.server.streamOrder.count == 2, "two round trips on the first stream, the third on a new one")
        let first = try #require(pair.server.calls[pair.server.streamOrder[0]])
        #expect(first.messages.count == 2)
        #expect(first.halfClosed)
        #expect(pair.recorder.streams == 1, "the first stream ended cleanly; the second is still open")
    }

    @Test func unaryCallsAndLongLivedStreamsEndNoStream() {
        let unary = InMemoryPair()
        unary.handshake()
        unary.client.submit(startNs: now(), nowNs: now())
        unary.pump()
        #expect(unary.recorder.successes == 1)
        #expect(unary.recorder.streams == 0)
        let pingPong = InMemoryPair(call: .stream)
        pingPong.handshake()
        for _ in 0..<3 {
            pingPong.client.submit(startNs: now(), nowNs: now())
            pingPong.pump()
        }
        #expect(pingPong.recorder.successes == 3)
        #expect(pingPong.recorder.streams == 0)
    }
}
