import Foundation
import Metrics
import Testing
import Topology

@testable import Wire

/// Every control message survives a frame in its own direction, and a frame that is not a
/// message of the expected direction is a decode error that says which way it went wrong.
@Suite struct ControlCodecTests {
    static func roundTrip<Message: ControlMessage>(_ message: Message) throws -> Message {
        var decoder = FrameDecoder()
        let frames = try decoder.feed(ControlCodec.encode(message))
        try #require(frames.count == 1)
        return try ControlCodec.decode(Message.self, from: frames[0])
    }

    static let serverSetup = ServerSetup(
        node: "server", host: "box-1", system: "grpc-go", container: "/srv/Containers/grpc-go", protocolKind: .grpc,
        bindHost: "0.0.0.0", port: 0, environment: [EnvironmentPair(name: "GOMAXPROCS", value: "2")],
        buildDirectory: ".cache/barrage/build/grpc-go", runBuild: true, readyTimeoutMs: 60_000, sampleIntervalMs: 100,
        cellID: "grpc-go-c100-r1", limits: Limits(cpus: 1.5, memoryBytes: 1 << 30), threads: 2)

    static let clientSetup = ClientSetup(
        node: "client-2", host: "box-2",
        targets: [ServerEndpoint(host: "10.0.0.1", port: 50051), ServerEndpoint(host: "10.0.0.2", port: 50052)],
        protocolKind: .grpc, call: .stream,
        payloadBytes: 64, connections: 50, concurrency: 4, threads: 2, ratePerSecond: 12_500.5,
        requestTimeoutMs: 10_000, connectTimeoutMs: 5_000, path: "/bench.Echo/Other")

    static let serverResult = ServerNodeResult(
        node: "server", host: "loadgen-1",
        samples: [ResourceSample(timeMs: 1, cpuSeconds: 0.5, rssBytes: 4096, threads: 2)],
        window: MeasurementWindow(startMs: 1, endMs: 2), cpuAllowanceCores: 0.5,
        systemVersions: SystemVersions(name: "grpc-go", container: "grpc-go", versions: ["grpc-go": "1.33.3", "go": "1.19.8"]),
        hostFacts: HostFacts(
            name: "loadgen-1", hostname: "lg1", kernel: "6.1.0", cpuModel: "EPYC", cores: 4,
            memoryBytes: 8 << 30))

    static let clientResult: ClientNodeResult = {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 250, count: 3)
        return ClientNodeResult(
            node: "client-1", host: "local", connectionsAsked: 2, connectionsEstablished: 2, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 10, endMs: 1_010), requests: 3, errors: [:],
            histogram: histogram, cpuSeconds: 0.1, rssPeakBytes: 1 << 20, lateSends: 1, queuedSends: 2,
            intervals: [IntervalCounts(requests: 3, errors: 0, histogram: histogram)], hostIdleFraction: 0.42,
            hostFacts: HostFacts(name: "local", hostname: "vm", kernel: "6.1", cpuModel: "", cores: 2, memoryBytes: 1))
    }()

    /// One of every coordinator → worker message, both window edges.
    static let toWorker: [CoordinatorMessage] = [
        .setupServer(serverSetup), .setupClient(clientSetup), .start, .mark(.open), .mark(.close), .stop, .heartbeat
    ]

    /// One of every worker → coordinator message.
    static let toCoordinator: [WorkerMessage] = [
        .hello(version: ControlCodec.protocolVersion, pid: 4242, cores: 8),
        .serverReady(ServerReadyReport(port: 50051, serverProcessGroup: 777)),
        .clientReady(ClientReadyReport(connectionsEstablished: 48, connectFailures: ["ECONNREFUSED": 2])),
        .marked(.open), .marked(.close),
        .clientResult(clientResult), .serverResult(serverResult),
        .failed(reason: "Containers/x/run exited with status 3"),
        .progress(ProgressReport(requests: 100, errors: 2, connectionsUp: 48)),
        .building(system: "grpc-go"),
        .interval(ClientInterval(second: 7, counts: clientResult.intervals[0], errorsByKind: [:])),
        .serverSamples(serverResult.samples)
    ]

    @Test func everyCoordinatorMessageRoundTrips() throws {
        #expect(Set(Self.toWorker.map(\.tag)) == Set(CoordinatorMessage.Tag.allCases), "a case without a round trip here")
        for message in Self.toWorker { #expect(try Self.roundTrip(message) == message) }
    }

    @Test func everyWorkerMessageRoundTrips() throws {
        #expect(Set(Self.toCoordinator.map(\.tag)) == Set(WorkerMessage.Tag.allCases), "a case without a round trip here")
        for message in Self.toCoordinator { #expect(try Self.roundTrip(message) == message) }
    }

    @Test func marksTravelAsTheirEdgeName() {
        #expect(
            String(decoding: ControlCodec.encode(CoordinatorMessage.mark(.open)).dropFirst(4), as: UTF8.self)
                == #"{"mark":"open"}"#)
        #expect(
            String(decoding: ControlCodec.encode(WorkerMessage.marked(.close)).dropFirst(4), as: UTF8.self)
                == #"{"marked":"close"}"#)
    }

    /// A worker of another build must still read as one, so the coordinator can name the
    /// mismatch: hello is `{"hello":{"version":N,"pid":P}}` in every protocol version.
    @Test func helloKeepsTheShapeOfEveryVersion() throws {
        let version1Hello = Array(#"{"hello":{"version":1,"pid":31337}}"#.utf8)
        #expect(try ControlCodec.decode(WorkerMessage.self, from: version1Hello) == .hello(version: 1, pid: 31337, cores: 0))
    }

    @Test func aWorkerMessageSentToAWorkerIsAWrongDirectionError() {
        let frame = ControlCodec.encode(WorkerMessage.marked(.open)).dropFirst(4)
        #expect(throws: ControlDecodeError.wrongDirection(tag: "marked", expected: .toWorker)) {
            _ = try ControlCodec.decode(CoordinatorMessage.self, from: Array(frame))
        }
        let error = ControlDecodeError.wrongDirection(tag: "marked", expected: .toWorker)
        #expect("\(error)" == "'marked' is a worker → coordinator message, received where coordinator → worker messages travel")
    }

    @Test func aCoordinatorMessageSentToTheCoordinatorIsAWrongDirectionError() {
        let frame = ControlCodec.encode(CoordinatorMessage.setupClient(Self.clientSetup)).dropFirst(4)
        #expect(throws: ControlDecodeError.wrongDirection(tag: "setupClient", expected: .toCoordinator)) {
            _ = try ControlCodec.decode(WorkerMessage.self, from: Array(frame))
        }
    }

    @Test func anUnknownTagIsNamed() {
        #expect(throws: ControlDecodeError.unknownTag("ready", expected: .toCoordinator)) {
            _ = try ControlCodec.decode(WorkerMessage.self, from: Array(#"{"ready":{"port":1}}"#.utf8))
        }
        #expect(
            "\(ControlDecodeError.unknownTag("ready", expected: .toCoordinator))"
                == "unknown worker → coordinator control message 'ready' (a different barrage build?)")
    }

    @Test func anObjectWithoutExactlyOneTagIsRefused() {
        #expect(throws: ControlDecodeError.notOneTag(found: [])) {
            _ = try ControlCodec.decode(CoordinatorMessage.self, from: Array("{}".utf8))
        }
        #expect {
            _ = try ControlCodec.decode(CoordinatorMessage.self, from: Array(#"{"start":{},"stop":{}}"#.utf8))
        } throws: { error in
            guard case ControlDecodeError.notOneTag(let keys) = error else { return false }
            return Set(keys) == ["start", "stop"]
        }
    }

    /// A worker's word is bounded where the coordinator adds or uses it: two workers each
    /// claiming Int.max connections overflowed the progress line's sum; a port past 65,535
    /// was handed to every client as their target.
    @Test func readyReportsPastTheBoundsAreRefusedByName() {
        let refusals = [
            (#"{"clientReady":{"connectionsEstablished":9223372036854775807,"connectFailures":{}}}"#, "connectionsEstablished"),
            (
                #"{"clientReady":{"connectionsEstablished":1,"connectFailures":{"a":18446744073709551615,"b":1}}}"#,
                "connectFailures"
            ),
            (#"{"serverReady":{"port":65536,"serverProcessGroup":7}}"#, "65536 is not a TCP port"),
            (#"{"serverReady":{"port":0,"serverProcessGroup":7}}"#, "0 is not a TCP port")
        ]
        for (text, words) in refusals {
            #expect {
                _ = try ControlCodec.decode(WorkerMessage.self, from: Array(text.utf8))
            } throws: { error in
                "\(error)".contains(words)
            }
        }
    }

    @Test func aKnownTagWithABadPayloadSaysWhere() {
        #expect {
            _ = try ControlCodec.decode(CoordinatorMessage.self, from: Array(#"{"mark":2}"#.utf8))
        } throws: { error in
            guard case ControlDecodeError.malformed(tag: "mark", _) = error else { return false }
            return "\(error)".hasPrefix("control message 'mark' does not read:")
        }
        #expect {
            _ = try ControlCodec.decode(CoordinatorMessage.self, from: Array(#"{"mark":"middle"}"#.utf8))
        } throws: { error in
            if case ControlDecodeError.malformed(tag: "mark", _) = error { return true }
            return false
        }
        #expect {
            _ = try ControlCodec.decode(WorkerMessage.self, from: Array(#"{"serverReady":{"port":1}}"#.utf8))
        } throws: { error in
            guard case ControlDecodeError.malformed(tag: "serverReady", let reason) = error else { return false }
            return reason.contains("serverProcessGroup")
        }
    }
}
