import Foundation
import Metrics
import SeededRandom
import Testing

@testable import Report

/// A property test over node files: whatever a damaged or hostile file holds, decoding it and
/// summarising what decoded never traps. Each mutation of a valid client and server file
/// (an extreme number put in place of a figure, a byte dropped, the file cut short) either
/// fails to decode (`ResultsReader` then names the file: ResultsDamageTests) or yields figures
/// the aggregator adds up without overflowing, with a time series no longer than the longest
/// window, that the table renders and the JSON report reads back. The same mutations in
/// every process: a fixed seed over files encoded with sorted keys (JSONEncoder's own key
/// order follows Swift's per-process hashing, so each CI run used to try different ones).
/// 1,000 rounds: 31 s in a debug build on the shared 2-core machine at load 15.
@Suite struct NodeFileMutationTests {
    static let extremes = [
        "18446744073709551615", "18446744073709551616", "9223372036854775807", "-1", "1e308", "-0", "4294967296000",
        "9007199254740993", "0.000000001", "1e20", "[]", "null", "\"x\""
    ]

    static func validFiles() throws -> [Data] {
        var histogram = LatencyHistogram()
        for micros in [50, 120, 900, 4_000] { histogram.record(microseconds: UInt64(micros), count: 10) }
        let client = ClientNodeResult(
            node: "client-1", host: "local", connectionsAsked: 4, connectionsEstablished: 4, connectFailures: [:], threads: 1,
            window: MeasurementWindow(startMs: 1_000, endMs: 4_000), requests: 40, errors: ["timeout": 2],
            histogram: histogram, cpuSeconds: 0.5, rssPeakBytes: 1 << 20, lateSends: 1, queuedSends: 2,
            intervals: [IntervalCounts(requests: 20, errors: 1, histogram: histogram)], hostIdleFraction: 0.5)
        let server = ServerNodeResult(
            node: "server", host: "local",
            samples: [
                ResourceSample(timeMs: 900, cpuSeconds: 1, rssBytes: 1 << 22, threads: 2),
                ResourceSample(timeMs: 4_100, cpuSeconds: 2, rssBytes: 1 << 23, threads: 3)
            ],
            window: MeasurementWindow(startMs: 1_000, endMs: 4_000), idleRssBytes: 1 << 21, cpuAllowanceCores: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [try encoder.encode(client), try encoder.encode(server)]
    }

    /// `text` with one number swapped for an extreme, a byte dropped, or cut short.
    static func mutated(_ text: String, using random: inout SeededGenerator) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return text }
        switch random.next() % 3 {
        case 0:
            let numbers = characters.indices.filter { characters[$0].isNumber && ($0 == 0 || !characters[$0 - 1].isNumber) }
            guard let start = numbers.randomElement(using: &random) else { return text }
            var end = start
            while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
            characters.replaceSubrange(start..<end, with: Array(extremes.randomElement(using: &random)!))
        case 1:
            characters.remove(at: Int(random.next() % UInt64(characters.count)))
        default:
            characters = Array(characters.prefix(Int(random.next() % UInt64(characters.count))))
        }
        return String(characters)
    }

    @Test func noMutationOfANodeFileTrapsTheReader() throws {
        var random = SeededGenerator(seed: 21)
        let files = try Self.validFiles().map { String(decoding: $0, as: UTF8.self) }
        let record = CellRecord(
            id: "builtin-c4-r1", index: 0, system: "builtin", connections: 4, repeatIndex: 1, status: .ok, clientWorkers: 2)
        var decoded = 0
        var refused = 0
        var serversDecoded = 0
        for round in 0..<1_000 {
            // Several mutations on top of each other now and then, as real damage can be.
            var clientText = files[0]
            var serverText = files[1]
            for _ in 0...(round % 3) {
                clientText = Self.mutated(clientText, using: &random)
                serverText = Self.mutated(serverText, using: &random)
            }
            let client = try? JSONDecoder().decode(ClientNodeResult.self, from: Data(clientText.utf8))
            let server = try? JSONDecoder().decode(ServerNodeResult.self, from: Data(serverText.utf8))
            if client == nil { refused += 1 } else { decoded += 1 }
            if server != nil { serversDecoded += 1 }
            // Two copies of each: the sums the aggregator makes over workers and replicas.
            let clients = client.map { [$0, $0] } ?? []
            let servers = server.map { [$0, $0] } ?? []
            let cell = CellAggregator.summarize(record: record, servers: servers, clients: clients)
            #expect(cell.timeseries.count <= Int(FigureBounds.maximumWindowMs / 1000) + 1)
            let summary = RunSummary(barrage: "0.1.0", topology: "t", started: "", status: .ok, cells: [cell])
            _ = ReportRenderer.render(summary, format: .table)
            let json = ReportRenderer.render(summary, format: .json)
            #expect((try? ReportRenderer.decodeSummary(Data(json.utf8)))?.cells.count == 1, "round \(round): \(json.prefix(80))")
        }
        // Both outcomes happen: the property covers files that decode as well as refused ones.
        #expect(decoded > 50 && refused > 50, "client files decoded \(decoded), refused \(refused)")
        #expect(serversDecoded > 50 && serversDecoded < 950, "server files decoded \(serversDecoded) of 1,000")
    }
}
