import CNghttp2
import Testing
import UV

@testable import Load

@Suite struct GRPCClientConnectionTests {
    @Test func handshakeMakesTheConnectionReady() {
        let pair = InMemoryPair()
        #expect(pair.client.state == .connecting)
        pair.handshake()
        #expect(pair.client.state == .open)
        #expect(pair.client.freeSlots == 1)
    }

    @Test func unaryEchoRoundTrips() throws {
        let pair = InMemoryPair(payloadBytes: 100)
        pair.handshake()
        for round in 1...5 {
            #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
            #expect(pair.client.freeSlots == 0)
            pair.pump()
            #expect(pair.recorder.outcomes == Array(repeating: .success, count: round))
            #expect(pair.client.freeSlots == 1)
        }
        // Every call was a new stream carrying the spec's request headers and message.
        #expect(pair.server.streamOrder.count == 5)
        let call = try #require(pair.server.calls[pair.server.streamOrder[0]])
        let headers = Dictionary(call.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers[":method"] == "POST")
        #expect(headers[":scheme"] == "http")
        #expect(headers[":path"] == "/bench.Echo/Unary")
        #expect(headers[":authority"] == "127.0.0.1:50051")
        #expect(headers["content-type"] == "application/grpc")
        #expect(headers["te"] == "trailers")
        #expect(headers["user-agent"] == "barrage/0.1")
        #expect(call.messages == [GRPCRequestTemplate.encodeMessage(payloadBytes: 100)])
        #expect(pair.client.requestsInFlight == 0)
    }

    /// Builds a pair with one unary call answered by the server, and returns the answer's
    /// bytes undelivered.
    private func pendingUnaryAnswer(payloadBytes: Int, maxDataFrame: Int) -> (InMemoryPair, [UInt8]) {
        let pair = InMemoryPair(payloadBytes: payloadBytes)
        pair.server.maxDataFrame = maxDataFrame
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.sendClientOutput()
        return (pair, pair.server.takeOutput())
    }

    @Test(arguments: [(0, 16384), (37, 16384), (37, 3), (300, 7)])
    func answerCutAtEveryByteStillDecodesToOneSuccess(payloadBytes: Int, maxDataFrame: Int) {
        let answerLength = pendingUnaryAnswer(payloadBytes: payloadBytes, maxDataFrame: maxDataFrame).1.count
        #expect(answerLength > 20)
        for cut in 0...answerLength {
            let (pair, answer) = pendingUnaryAnswer(payloadBytes: payloadBytes, maxDataFrame: maxDataFrame)
            pair.deliver(answer, cutAt: [cut])
            pair.pump()
            #expect(pair.recorder.outcomes == [.success], "cut at \(cut) of \(answer.count)")
        }
        // And one byte at a time.
        let (pair, answer) = pendingUnaryAnswer(payloadBytes: payloadBytes, maxDataFrame: maxDataFrame)
        pair.deliver(answer, cutAt: Array(1..<answer.count))
        #expect(pair.recorder.outcomes == [.success])
    }

    @Test func trailersOnlyErrorCountsByStatus() {
        let pair = InMemoryPair { _ in .trailersOnly(status: 12) }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes == [.grpcStatus(12)])
        #expect(pair.recorder.errorKinds == ["UNIMPLEMENTED"])
        #expect(pair.recorder.statusMessages == ["UNIMPLEMENTED: no"])
        #expect(pair.client.freeSlots == 1)
    }

    @Test func nonZeroStatusInTrailersCounts() {
        let pair = InMemoryPair { _ in .echoThenStatus(14) }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.errorKinds == ["UNAVAILABLE"])
    }

    @Test(arguments: [
        (TestServerBehavior.noMessage, "INTERNAL"),
        (.twoMessages, "INTERNAL"),
        (.missingStatus, "INTERNAL"),
        (.httpStatus(503), "UNAVAILABLE"),
        (.reset, "reset")
    ])
    func malformedOrRejectedAnswersCountAsErrors(behavior: TestServerBehavior, kind: String) {
        let pair = InMemoryPair { _ in behavior }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.errorKinds == [kind])
        #expect(pair.client.freeSlots == 1, "the slot is reusable")
        // The connection still works afterwards.
        pair.server.behavior = { _ in .echo }
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes.last == .success)
    }

    @Test func compressedAnswersAreInflatedWhateverTheFrameCuts() {
        // A 3000-byte body compresses to far more than one 100-byte DATA frame.
        let pair = InMemoryPair(payloadBytes: 3000) { _ in .compressedEcho(times: 1) }
        pair.server.maxDataFrame = 100
        pair.handshake()
        for _ in 0..<3 {
            pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
            pair.pump()
        }
        #expect(pair.recorder.outcomes == [.success, .success, .success])
        // Server streaming counts each compressed message.
        let streaming = InMemoryPair(call: .serverStreaming) { _ in .compressedEcho(times: 4) }
        streaming.handshake()
        streaming.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        streaming.pump()
        #expect(streaming.recorder.outcomes == [.success, .success, .success, .success])
    }

    @Test(arguments: [
        TestServerBehavior.compressedEcho(times: 1, corrupt: true),
        .compressedEcho(times: 1, encoding: "identity"),
        .compressedEcho(times: 1, encoding: "snappy")
    ])
    func aCompressedAnswerThatDoesNotDecodeFailsTheCall(behavior: TestServerBehavior) {
        let pair = InMemoryPair(payloadBytes: 3000) { _ in behavior }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.errorKinds == ["INTERNAL"])
        #expect(pair.recorder.statusMessages.first?.hasPrefix("INTERNAL: the answer broke the gRPC protocol") == true)
        #expect(pair.client.freeSlots == 1, "the slot is reusable")
        pair.server.behavior = { _ in .compressedEcho(times: 1) }
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes.last == .success, "the next compressed answer decodes")
    }

    @Test func acceptedEncodingsAreAnnouncedForAUserServiceAndWithGzip() {
        func headers(_ options: GRPCCallOptions) -> [String: String] {
            let template = GRPCRequestTemplate(call: .unary, authority: "127.0.0.1:1", payloadBytes: 1, options: options)
            return Dictionary(template.fields, uniquingKeysWith: { first, _ in first })
        }
        #expect(headers(.init())["grpc-accept-encoding"] == nil, "bench.Echo's headers stay as they were")
        #expect(headers(.init(requests: [[8, 1]]))["grpc-accept-encoding"] == "identity,gzip")
        #expect(headers(.init(requests: [[8, 1]]))["grpc-encoding"] == nil)
        #expect(headers(.init(gzip: true))["grpc-accept-encoding"] == "identity,gzip")
        #expect(headers(.init(gzip: true))["grpc-encoding"] == "gzip")
    }

    @Test func resetFromThePeerWhileWaiting() {
        let pair = InMemoryPair { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes.isEmpty)
        pair.server.reset(pair.server.streamOrder[0], code: NGHTTP2_INTERNAL_ERROR.rawValue)
        pair.pump()
        #expect(pair.recorder.errorKinds == ["reset"])
    }

    @Test func goawayFailsRefusedStreamsAndFinishesTheSession() {
        let pair = InMemoryPair(concurrency: 4) { _ in .silent }
        pair.handshake()
        for _ in 0..<4 { pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()) }
        pair.pump()
        let ids = pair.server.streamOrder
        #expect(ids.count == 4)
        // The server will finish the first two and refuses the others.
        pair.server.goAway(lastStreamID: ids[1])
        pair.pump()
        #expect(pair.recorder.errorKinds == ["connection", "connection"])
        #expect(pair.client.state == .draining(.goaway, established: true))
        #expect(pair.client.finishedReason == nil, "two calls still run")
        #expect(!pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()), "no new streams after GOAWAY")
        #expect(!pair.client.isFinished)
        pair.server.answerLate(ids[0])
        pair.server.answerLate(ids[1])
        pair.pump()
        #expect(pair.recorder.successes == 2)
        #expect(pair.client.isFinished, "nothing left: the owner closes the connection")
        #expect(pair.client.finishedReason == "GOAWAY")
    }

    @Test func goawayMidStreamLetsTheOutstandingPingPongEnd() throws {
        let pair = InMemoryPair(call: .stream, concurrency: 2, payloadBytes: 24)
        pair.handshake()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump()
        #expect(pair.recorder.successes == 2)
        let streams = pair.server.streamOrder
        #expect(streams.count == 2)
        // A ping-pong is out on both streams when the server says GOAWAY keeping only the
        // first: its echo still counts, the other stream fails because of the connection.
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.sendClientOutput()
        let echoes = pair.server.takeOutput()
        pair.server.goAway(lastStreamID: streams[0])
        pair.deliver(echoes + pair.server.takeOutput())
        #expect(pair.recorder.successes == 4, "both echoes were sent before the GOAWAY")
        #expect(pair.client.state == .draining(.goaway, established: true))
        #expect(!pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump()
        // Nothing outstanding: the open streams are ended (RST_STREAM NO_ERROR) and the
        // session is done, reported as the server's GOAWAY.
        #expect(pair.recorder.outcomes.count == 4)
        #expect(pair.client.requestsInFlight == 0)
        #expect(pair.client.isFinished)
        #expect(pair.client.finishedReason == "GOAWAY")
    }

    @Test func noSettingsFromTheServerLeavesTheConnectionConnecting() {
        let pair = InMemoryPair()
        // The client's preface goes out, nothing comes back.
        #expect(pair.sendClientOutput() > 24)
        #expect(pair.client.state == .connecting)
        #expect(!pair.client.isEstablished)
        #expect(pair.client.finishedReason == nil, "waiting, not failed: the worker's connect timeout decides")
        pair.handshake()
        #expect(pair.client.state == .open)
        #expect(pair.client.isEstablished)
    }

    @Test func terminatingReportsNothingMore() {
        let pair = InMemoryPair(concurrency: 2) { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        pair.client.terminate()
        #expect(pair.client.state == .terminated)
        #expect(!pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump()
        pair.client.fail()
        #expect(pair.client.state == .closed)
        #expect(pair.recorder.outcomes.isEmpty, "a stopped connection's abandoned call is not an error")
    }

    @Test func requestsQueuedBehindTheServersStreamLimitFailOnGoaway() {
        // The server allows one stream at a time, so the second request waits for it.
        let pair = InMemoryPair(concurrency: 2, serverMaxStreams: 1) { _ in .silent }
        pair.handshake()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump()
        #expect(pair.server.streamOrder.count == 1)
        pair.server.goAway(lastStreamID: pair.server.streamOrder[0])
        pair.pump()
        // The waiting request can never go out now: it fails at once, because of the connection;
        // the one the server kept still ends.
        #expect(pair.recorder.outcomes == [.connection])
        #expect(pair.server.streamOrder.count == 1)
        pair.server.answerLate(pair.server.streamOrder[0])
        pair.pump()
        #expect(pair.recorder.outcomes == [.connection, .success])
        #expect(pair.client.requestsInFlight == 0)
        #expect(pair.client.isFinished)
    }

    @Test func timingOutAQueuedRequestCancelsItBeforeItIsSent() {
        let pair = InMemoryPair(concurrency: 2, serverMaxStreams: 1) { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        pair.client.expire(sentBefore: Loop.hrtime() + 1, nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.errorKinds == ["timeout", "timeout"])
        #expect(pair.server.streamOrder.count == 1, "the queued HEADERS never went out")
        #expect(pair.client.freeSlots == 2, "both slots are usable again")
        pair.server.behavior = { _ in .echo }
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes.last == .success)
    }

    @Test func connectionLossFailsEveryOutstandingCall() {
        let pair = InMemoryPair(concurrency: 3) { _ in .silent }
        pair.handshake()
        for _ in 0..<3 { pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()) }
        pair.pump()
        pair.client.fail()
        #expect(pair.recorder.errorKinds == ["connection", "connection", "connection"])
        #expect(pair.client.state == .closed)
        #expect(pair.client.isFinished)
        #expect(!pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.client.fail()  // twice is harmless
        #expect(pair.recorder.outcomes.count == 3)
    }

    @Test func garbageFromTheServerFailsTheConnection() {
        let pair = InMemoryPair { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        // A SETTINGS frame whose length is not a multiple of 6: a connection error.
        let garbage: [UInt8] = [0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]
        let accepted = garbage.withUnsafeBytes { pair.client.receive($0) }
        pair.pump()
        // nghttp2 answers with GOAWAY and is then done; the owner sees `isFinished` and fails
        // the connection, which reports the outstanding call once.
        #expect(accepted)
        #expect(pair.client.isFinished)
        #expect(pair.server.goawaysReceived == 1)
        pair.client.fail()
        #expect(pair.recorder.errorKinds == ["connection"])
    }

    @Test func timedOutCallIsReportedOnceAndItsStreamReset() {
        let pair = InMemoryPair { _ in .silent }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        pair.client.expire(sentBefore: Loop.hrtime() + 1, nowNs: Loop.hrtime())
        #expect(pair.recorder.errorKinds == ["timeout"])
        pair.pump()
        #expect(pair.server.resetsReceived == [pair.server.streamOrder[0]])
        #expect(pair.client.freeSlots == 1)
        // A late answer to the reset stream is not counted again.
        pair.server.answerLate(pair.server.streamOrder[0])
        pair.pump()
        #expect(pair.recorder.outcomes.count == 1)
    }

    @Test func manyCallsInFlightOnOneConnection() {
        let pair = InMemoryPair(concurrency: 8, payloadBytes: 64)
        pair.handshake()
        for _ in 0..<8 { #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())) }
        #expect(!pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()), "all slots busy")
        #expect(pair.client.requestsInFlight == 8)
        pair.sendClientOutput()
        // All eight arrived before any answer went back.
        #expect(pair.server.streamOrder.count == 8)
        #expect(pair.server.calls.values.allSatisfy { $0.messages.count == 1 })
        pair.pump()
        #expect(pair.recorder.outcomes == Array(repeating: .success, count: 8))
        #expect(pair.client.freeSlots == 8)
    }

    @Test func streamPingPongsOnOneStream() {
        let pair = InMemoryPair(call: .stream, payloadBytes: 48)
        pair.handshake()
        for round in 1...6 {
            #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
            pair.pump()
            #expect(pair.recorder.outcomes == Array(repeating: .success, count: round))
        }
        #expect(pair.server.streamOrder.count == 1, "one long-lived stream")
        let call = pair.server.calls[pair.server.streamOrder[0]]!
        #expect(call.messages.count == 6)
        #expect(call.headers.contains { $0 == (":path", "/bench.Echo/Stream") })
        #expect(pair.server.resetsReceived.isEmpty)
        // Stopping resets the stream and says GOAWAY, reporting nothing.
        pair.client.terminate()
        pair.pump()
        #expect(pair.server.resetsReceived == [pair.server.streamOrder[0]])
        #expect(pair.server.goawaysReceived == 1)
        #expect(pair.recorder.outcomes.count == 6)
    }

    @Test func streamAnswersCutIntoSingleBytes() {
        let pair = InMemoryPair(call: .stream, concurrency: 2, payloadBytes: 20)
        pair.server.maxDataFrame = 5
        pair.handshake()
        for round in 1...3 {
            pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
            pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
            pair.sendClientOutput()
            let answer = pair.server.takeOutput()
            pair.deliver(answer, cutAt: Array(1..<answer.count))
            #expect(pair.recorder.outcomes == Array(repeating: .success, count: 2 * round))
        }
        #expect(pair.server.streamOrder.count == 2)
    }

    @Test func streamEndedByTheServerIsReplacedByANewOne() {
        var first = true
        let pair = InMemoryPair(call: .stream) { _ in
            defer { first = false }
            return first ? .trailersOnly(status: 8) : .echo
        }
        pair.handshake()
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.errorKinds == ["RESOURCE_EXHAUSTED"])
        #expect(pair.client.freeSlots == 1)
        pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.outcomes.last == .success)
        #expect(pair.server.streamOrder.count == 2)
    }

    @Test func latencyCountsFromAnIntendedTimeInThePast() {
        let pair = InMemoryPair()
        pair.handshake()
        let intended = Loop.hrtime() - 50_000_000
        pair.client.submit(startNs: intended, nowNs: Loop.hrtime())
        pair.pump()
        #expect(pair.recorder.latenciesNs[0] >= 50_000_000)
    }

    /// grpc core (grpc-python's and grpc-cpp's server) answers a call it cancels with a
    /// trailers-only block it writes by hand, outside its HPACK encoder, so that block never
    /// starts with a dynamic table size update. A client that changed the table size in its
    /// SETTINGS makes nghttp2 demand that update on the first block after the server's ACK;
    /// without it nghttp2 failed the whole connection with GOAWAY COMPRESSION_ERROR (9), which
    /// the recipe logged as `Got goaway [9]` (300 connections × 8 streams: 310 connections of
    /// 550, every one whose first answer was such a block). These are the bytes it sent.
    @Test func handWrittenTrailersOnlyFirstBlockFailsOnlyItsCall() {
        let pair = InMemoryPair()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        _ = pair.clientOutput()
        func frame(_ type: UInt8, flags: UInt8, stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
            [0, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF), type, flags, 0, 0, 0, stream] + payload
        }
        // Literal header fields without indexing, new name, no Huffman: grpc core's close_from_api.
        func literal(_ name: String, _ value: String) -> [UInt8] {
            [0, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        let block =
            literal(":status", "200") + literal("content-type", "application/grpc") + literal("grpc-status", "1")
            + literal("grpc-message", "CANCELLED")
        let settings: UInt8 = 4, headers: UInt8 = 1, ack: UInt8 = 1, endStreamAndHeaders: UInt8 = 5
        pair.deliver(
            frame(settings, flags: 0, stream: 0, []) + frame(settings, flags: ack, stream: 0, [])
                + frame(headers, flags: endStreamAndHeaders, stream: 1, block))
        #expect(pair.recorder.errorKinds == ["CANCELLED"])
        #expect(pair.recorder.statusMessages == ["CANCELLED: CANCELLED"])
        // The connection lives on: no GOAWAY (type 7) in what it says next, and it takes calls.
        let output = pair.clientOutput()
        var offset = 0, frameTypes: [UInt8] = []
        while offset + 9 <= output.count {
            frameTypes.append(output[offset + 3])
            offset += 9 + (Int(output[offset]) << 16 | Int(output[offset + 1]) << 8 | Int(output[offset + 2]))
        }
        #expect(!frameTypes.contains(7), "frames sent: \(frameTypes)")
        #expect(pair.client.state == .open)
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
    }
}
