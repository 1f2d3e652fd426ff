import Metrics
import Testing

@testable import Wire

@Suite struct FrameDecoderTests {
    let messages: [WorkerMessage] = [
        .hello(version: ControlCodec.protocolVersion, pid: 4242, cores: 8),
        .marked(.open),
        .serverReady(ServerReadyReport(port: 8080, serverProcessGroup: 99)),
        .failed(reason: "server exited with status 3"),
        .building(system: "grpc-go"),
        .clientResult(
            ClientNodeResult(
                node: "client-1", host: "local", connectionsAsked: 10, connectionsEstablished: 9,
                connectFailures: ["ECONNREFUSED": 1], threads: 1,
                window: MeasurementWindow(startMs: 100, endMs: 1100), requests: 5000,
                errors: ["timeout": 2],
                histogram: {
                    var h = LatencyHistogram()
                    for v in [10, 250, 1000, 75_000] as [UInt64] { h.record(microseconds: v) }
                    return h
                }(), cpuSeconds: 0.5, rssPeakBytes: 12_000_000)),
        .progress(ProgressReport(requests: 7, errors: 1, connectionsUp: 9))
    ]

    @Test func framesFedOneByteAtATimeDecodeInOrder() throws {
        let stream = messages.flatMap(ControlCodec.encode)
        var decoder = FrameDecoder()
        var decoded: [WorkerMessage] = []
        for byte in stream {
            for frame in try decoder.feed(CollectionOfOne(byte)) {
                decoded.append(try ControlCodec.decode(WorkerMessage.self, from: frame))
            }
        }
        #expect(decoded == messages)
        #expect(decoder.pendingByteCount == 0)
    }

    @Test func framesSplitAtEveryBoundaryDecode() throws {
        let stream = messages.flatMap(ControlCodec.encode)
        for split in 0...stream.count {
            var decoder = FrameDecoder()
            var frames = try decoder.feed(stream[0..<split])
            frames += try decoder.feed(stream[split...])
            #expect(try frames.map { try ControlCodec.decode(WorkerMessage.self, from: $0) } == messages, "split at \(split)")
        }
    }

    @Test func manyFramesInOneReadDecode() throws {
        var decoder = FrameDecoder()
        let frames = try decoder.feed(messages.flatMap(ControlCodec.encode))
        #expect(frames.count == messages.count)
    }

    @Test func partialFrameStaysPending() throws {
        var decoder = FrameDecoder()
        let frame = ControlCodec.encode(CoordinatorMessage.start)
        #expect(try decoder.feed(frame.dropLast()).isEmpty)
        #expect(decoder.pendingByteCount == frame.count - 1)
        #expect(try decoder.feed(frame.suffix(1)).count == 1)
    }

    @Test func oversizedLengthIsRejected() {
        var decoder = FrameDecoder()
        #expect(throws: FrameDecoder.DecodeError.frameTooLarge(0x7fff_ffff)) {
            _ = try decoder.feed([0x7f, 0xff, 0xff, 0xff])
        }
    }

    @Test func junkPayloadFailsToDecodeWithoutCrashing() {
        for junk in [Array("not json".utf8), [0xff, 0x00, 0x12]] {
            #expect {
                _ = try ControlCodec.decode(WorkerMessage.self, from: junk)
            } throws: { error in
                guard case ControlDecodeError.malformed(tag: nil, _) = error else { return false }
                return "\(error)".hasPrefix("control frame is not a JSON object")
            }
        }
    }

    @Test func histogramSurvivesTheWire() throws {
        var h = LatencyHistogram()
        for v in 1...10_000 as ClosedRange<UInt64> { h.record(microseconds: v * 37) }
        let message = WorkerMessage.clientResult(
            ClientNodeResult(
                node: "c", host: "h", connectionsAsked: 1, connectionsEstablished: 1, connectFailures: [:],
                threads: 1, window: MeasurementWindow(startMs: 0, endMs: 1), requests: 1, errors: [:],
                histogram: h, cpuSeconds: 0, rssPeakBytes: 0))
        var decoder = FrameDecoder()
        let frames = try decoder.feed(ControlCodec.encode(message))
        guard case .clientResult(let result) = try ControlCodec.decode(WorkerMessage.self, from: frames[0]) else {
            Issue.record("wrong message kind")
            return
        }
        for p in [50.0, 90, 99, 99.9, 100] {
            #expect(result.histogram.value(atPercentile: p) == h.value(atPercentile: p))
        }
        #expect(result.histogram.count == h.count)
    }
}
