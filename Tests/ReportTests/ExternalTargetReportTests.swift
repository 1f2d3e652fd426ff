import Foundation
import Metrics
import Testing

@testable import Report

/// A cell against an external target: Barrage sampled no server, so its server figures are
/// unknown — null in summary.json, "-" in the table, never 0 — and the CPU verdict cannot be told.
@Suite struct ExternalTargetReportTests {
    static func externalCell(saturated: Bool = false) -> CellSummary {
        var record = Fixtures.record(system: "staging")
        record.target = "127.0.0.1:50051"
        var client = Fixtures.client(node: "client-1", requests: 40_000, cpuSeconds: saturated ? 10 : 1)
        client.hostIdleFraction = 0.5
        return CellAggregator.summarize(record: record, servers: [], clients: [client])
    }

    @Test func serverFiguresAreNullAndTheTargetIsRecorded() throws {
        let cell = Self.externalCell()
        #expect(cell.server == nil)
        #expect(cell.target == "127.0.0.1:50051")
        #expect(cell.bottleneck == .serverUnknown)
        #expect(Self.externalCell(saturated: true).bottleneck == .client, "a saturated generator is still told")
        #expect(cell.requests == 40_000 && cell.replicas == 1)
        let run = RunSummary(
            barrage: "0.1.0", topology: "ext", started: "2026-11-25T08:00:00Z", status: .ok, cells: [cell])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(ReportRenderer.render(run, format: .json).utf8)) as? [String: Any])
        let written = try #require((json["cells"] as? [[String: Any]])?.first)
        #expect(written["server"] is NSNull, "\(written["server"] ?? "missing")")
        #expect(written["target"] as? String == "127.0.0.1:50051")
        #expect(written["bottleneck"] as? String == "server-unknown")
        // And back: `barrage report` reads what launch wrote.
        let decoded = try JSONDecoder().decode(CellSummary.self, from: JSONSerialization.data(withJSONObject: written))
        #expect(decoded.server == nil && decoded.target == "127.0.0.1:50051")
    }

    @Test func theDecisionSaysAnExternalTargetsMemoryIsUnknown() {
        let cells = [100, 1_000].map { connections in
            var record = Fixtures.record(system: "staging", connections: connections)
            record.target = "127.0.0.1:50051"
            return CellAggregator.summarize(
                record: record, servers: [], clients: [Fixtures.client(node: "client-1", requests: 1_000, cpuSeconds: 1)])
        }
        var run = RunSummary(barrage: "0.1.0", topology: "ext", started: "2026-11-25T08:00:00Z", status: .ok, cells: cells)
        // The block sizes for a load; memory is one of its answers.
        run.decisionLoadPerSecond = 1_000
        let table = ReportRenderer.render(run, format: .table)
        #expect(
            table.contains("memory for 1,000 connections, staging: unknown (an external target is not sampled)"), "\(table)")
        #expect(!table.contains("did not hold them"), "\(table)")
    }

    @Test func theTableShowsADashNeverAZero() throws {
        let started = CellAggregator.summarize(
            record: Fixtures.record(), servers: [Fixtures.server()],
            clients: [Fixtures.client(node: "client-1", requests: 100_000, cpuSeconds: 1)])
        let run = RunSummary(
            barrage: "0.1.0", topology: "ext", started: "2026-11-25T08:00:00Z", status: .ok,
            cells: [started, Self.externalCell()])
        let table = ReportRenderer.render(run, format: .table)
        let lines = table.split(separator: "\n").map(String.init)
        let heading = try #require(lines.first { $0.hasPrefix("system") })
        let row = try #require(lines.first { $0.hasPrefix("staging") }, "\(table)")
        func cell(_ column: String, of line: String) -> String {
            let start = heading.range(of: column)!.lowerBound
            let offset = heading.distance(from: heading.startIndex, to: start)
            let rest = line.dropFirst(offset)
            return String(rest.prefix { $0 != " " })
        }
        // Right-aligned columns end where their heading ends: read the figure under it.
        func figure(_ column: String, of line: String) -> String {
            let end = heading.range(of: column)!.upperBound
            let offset = heading.distance(from: heading.startIndex, to: end)
            let head = line.prefix(offset)
            return String(head.reversed().prefix { $0 != " " }.reversed())
        }
        for column in ["srv CPU%", "srv RSS peak", "srv RSS sust", "mem/conn"] {
            #expect(figure(column, of: row) == "-", "\(column) in \(row)")
        }
        #expect(figure("srv CPU%", of: lines.first { $0.hasPrefix("builtin") }!) != "-")
        #expect(cell("limit", of: row) == "server-unknown", "\(row)")
        #expect(table.contains("external targets (servers Barrage did not start) are not sampled"), "\(table)")
    }
}
