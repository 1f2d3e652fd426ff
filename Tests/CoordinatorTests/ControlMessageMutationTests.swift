import Foundation
import Metrics
import Report
import SeededRandom
import Testing
import Topology
import Wire

@testable import Coordinator
@testable import CoordinatorCore

/// A property test over the control messages a worker sends: whatever a confused or hostile
/// worker puts in them, the coordinator either refuses the frame (a decode error that names the
/// message) or takes it without trapping: the cell state machine, the setup builder (a hello's
/// cores), the progress line, the live cell and its OpenMetrics page, and the cell's summary.
/// Each round damages one message of every kind (an extreme number put in place of a figure,
/// a byte dropped, the frame cut short) and, when it still decodes, hands it to all of those, a
/// second three times (a worker may repeat itself; LiveFiguresTests repeats the largest one).
/// The same mutations in every process: a fixed seed over messages encoded with sorted keys.
/// The progress line's sums are not reached here (a quiet printer skips them): the ready
/// reports' bounds are ControlCodecTests'.
@Suite struct ControlMessageMutationTests {
    static let extremes = [
        "18446744073709551615", "18446744073709551616", "9223372036854775807", "-9223372036854775808", "9007199254740992",
        "9007199254740987", "-1", "1e308",
        "-0", "2147483648", "65536", "0", "1e20", "[]", "null", "\"x\""
    ]

    /// One message of every kind a worker sends, with figures in every field that holds one.
    static func messages() -> [WorkerMessage] {
        var histogram = LatencyHistogram()
        for micros in [80, 400, 2_000, 90_000] { histogram.record(microseconds: UInt64(micros), count: 25) }
        let interval = ClientInterval(
            second: 3, counts: IntervalCounts(requests: 100, errors: 5, histogram: histogram),
            errorsByKind: ["timeout": 2, "UNAVAILABLE": 3])
        let samples = [
            ResourceSample(timeMs: 1_000, cpuSeconds: 1.5, rssBytes: 1 << 24, threads: 4),
            ResourceSample(timeMs: 2_000, cpuSeconds: 2.5, rssBytes: 1 << 25, threads: 4)
        ]
        let client = ClientNodeResult(
            node: "client-1", host: "local", connectionsAsked: 4, connectionsEstablished: 4, connectFailures: ["EINVAL": 1],
            threads: 2, window: MeasurementWindow(startMs: 1_000, endMs: 4_000), requests: 100, errors: ["timeout": 2],
            histogram: histogram, cpuSeconds: 0.5, rssPeakBytes: 1 << 20, lateSends: 1, queuedSends: 2,
            intervals: [interval.counts], hostIdleFraction: 0.5)
        let server = ServerNodeResult(
            node: "server", host: "local", samples: samples, window: MeasurementWindow(startMs: 1_000, endMs: 4_000),
            idleRssBytes: 1 << 21, cpuAllowanceCores: 1)
        return [
            .hello(version: ControlCodec.protocolVersion, pid: 4242, cores: 8),
            .serverReady(ServerReadyReport(port: 50051, serverProcessGroup: 777)),
            .clientReady(ClientReadyReport(connectionsEstablished: 4, connectFailures: ["ECONNREFUSED": 2])),
            .marked(.open), .clientResult(client), .serverResult(server), .failed(reason: "exited with status 3"),
            .progress(ProgressReport(requests: 100, errors: 2, connectionsUp: 4)), .building(system: "grpc-go"),
            .interval(interval), .serverSamples(samples)
        ]
    }

    /// `text` with one number swapped for an extreme, a byte dropped, or cut short.
    static func mutated(_ text: String, using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return text }
        switch random.next() % 3 {
        case 0:
            let numbers = characters.indices.filter {
                (characters[$0].isNumber || characters[$0] == "-") && ($0 == 0 || !characters[$0 - 1].isNumber)
            }
            guard let start = numbers.randomElement(using: &random) else { return text }
            var end = start + 1
            while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
            characters.replaceSubrange(start..<end, with: Array(extremes.randomElement(using: &random)!))
        case 1:
            characters.remove(at: Int(random.next() % UInt64(characters.count)))
        default:
            characters = Array(characters.prefix(Int(random.next() % UInt64(characters.count))))
        }
        return String(characters)
    }

    /// A cell of one server and two clients on this machine.
    static let plan: CellPlan = {
        let workload = Workload(protocolKind: .grpc, payloadBytes: 64, connections: [8])
        return CellPlan(
            id: "builtin-c8-r1", index: 0, system: System(name: "builtin", container: "builtin"), connections: 8,
            repeatIndex: 1, servers: [ServerProcess(host: Host(name: "local"), port: 0)],
            clients: ["client-1", "client-2"].map {
                ClientProcess(name: $0, host: Host(name: "local"), connections: 4, threads: 2)
            },
            workload: workload, limits: nil, rate: .perSecond(1_000))
    }()

    /// Everything the coordinator does with a message from `node`, where it would do it.
    static func take(_ message: WorkerMessage, from node: String, live: inout LiveCell, progress: inout ProgressPrinter) {
        var machine = CellStateMachine(
            servers: [("server", "local")], clients: [("client-1", "local"), ("client-2", "local")],
            timeouts: CellTimeouts(warmupMs: 1_000, measureMs: 5_000))
        _ = machine.handle(.begin)
        _ = machine.handle(.message(node: "server", message))
        let builder = SetupBuilder(containersDirectory: "/src/Containers", buildCacheDirectory: "/b")
        switch message {
        case .hello(_, _, let cores):
            let server = builder.serverSetup(plan.servers[0], cell: plan, hostCores: cores, runBuild: false)
            #expect(server.threads >= 1)
        case .serverReady(let report):
            _ = builder.clientSetups(
                for: plan, targets: SetupBuilder.targets(of: plan, readyPorts: ["server": report.port]), ratePerSecond: 1_000)
        case .clientReady(let report):
            // As RunDriver does, for both clients: the progress line adds them.
            let ready = ProgressReport(requests: 0, errors: 0, connectionsUp: report.connectionsEstablished)
            progress.clientReported(node: node, ready)
            progress.clientReported(node: "client-2", ready)
            progress.tick(phase: "connecting")
        case .progress(let report):
            progress.clientReported(node: node, report)
            progress.clientReported(node: "client-2", report)
            progress.tick(phase: "measuring")
        case .interval(let interval):
            for _ in 0..<3 { live.add(interval, from: node) }
        case .serverSamples(let samples):
            live.add(samples, from: "server")
        case .clientResult(let client):
            _ = CellAggregator.summarize(record: record, servers: [], clients: [client, client])
        case .serverResult(let server):
            _ = CellAggregator.summarize(record: record, servers: [server, server], clients: [])
        case .marked, .failed, .building:
            break
        }
        let cell = live.summary
        _ = OpenMetricsText.render(cells: [cell], live: live)
        _ = ReportRenderer.render(
            RunSummary(barrage: "0.1.0", topology: "t", started: "", status: .ok, cells: [cell]), format: .table)
    }

    static let record = CellRecord(
        id: "builtin-c8-r1", index: 0, system: "builtin", connections: 8, repeatIndex: 1, status: .ok, clientWorkers: 2)

    @Test func noMutationOfAWorkerMessageTrapsTheCoordinator() throws {
        var random = SeededGenerator(seed: 21)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let texts = try Self.messages().map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        var decoded = 0
        var refused = 0
        for round in 0..<300 {
            var live = LiveCell(id: "c", system: "builtin", clients: ["client-1"])
            var progress = ProgressPrinter(quiet: true, cellCount: 1)
            for text in texts {
                var damaged = text
                for _ in 0...(round % 3) { damaged = Self.mutated(damaged, using: &random) }
                guard let message = try? ControlCodec.decode(WorkerMessage.self, from: Array(damaged.utf8)) else {
                    refused += 1
                    continue
                }
                decoded += 1
                Self.take(message, from: "client-1", live: &live, progress: &progress)
            }
        }
        // Both outcomes happen: the property covers messages taken as well as refused ones.
        #expect(decoded > 300 && refused > 300, "decoded \(decoded), refused \(refused)")
    }
}
