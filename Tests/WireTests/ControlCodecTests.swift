import Metrics
import Testing
import Wire

/// What workers report travels the control channel whole: the measurement and provenance
/// fields of node results survive a frame.
@Suite struct ControlCodecTests {
    static func roundTrip(_ message: ControlMessage) throws -> ControlMessage {
        var decoder = FrameDecoder()
        let frames = try decoder.feed(ControlCodec.encode(message))
        try #require(frames.count == 1)
        return try ControlCodec.decode(frames[0])
    }

    @Test func aServerResultKeepsItsAllowanceVersionsAndHost() throws {
        let result = ServerNodeResult(
            node: "server", host: "loadgen-1",
            samples: [ResourceSample(timeMs: 1, cpuSeconds: 0.5, rssBytes: 4096, threads: 2)],
            window: MeasurementWindow(startMs: 1, endMs: 2), cpuAllowanceCores: 0.5,
            systemVersions: SystemVersions(name: "grpc-go", container: "grpc-go", versions: ["grpc-go": "1.33.3", "go": "1.19.8"]),
            hostFacts: HostFacts(name: "loadgen-1", hostname: "lg1", kernel: "6.1.0", cpuModel: "EPYC", cores: 4,
                                 memoryBytes: 8 << 30))
        #expect(try Self.roundTrip(.serverResult(result)) == .serverResult(result))
    }

    @Test func aClientResultKeepsItsIntervalsSendsAndHostIdle() throws {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 250, count: 3)
        let result = ClientNodeResult(
            node: "client-1", host: "local", connectionsAsked: 2, connectionsEstablished: 2, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 10, endMs: 1_010), requests: 3, errors: [:],
            histogram: histogram, cpuSeconds: 0.1, rssPeakBytes: 1 << 20, lateSends: 1, queuedSends: 2,
            intervals: [IntervalCounts(requests: 3, errors: 0, histogram: histogram)], hostIdleFraction: 0.42,
            hostFacts: HostFacts(name: "local", hostname: "vm", kernel: "6.1", cpuModel: "", cores: 2, memoryBytes: 1))
        #expect(try Self.roundTrip(.clientResult(result)) == .clientResult(result))
    }
}
