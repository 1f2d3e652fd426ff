import Foundation
import Metrics
import Testing

@testable import Report

/// `tls` per cell: written in summary.json, part of the key `compare` matches on (plaintext
/// cells still match runs from before TLS), a column of the table, and a curve per system from
/// plain to TLS in the report.
@Suite struct TLSReportTests {
    func cells() -> [CellSummary] {
        var cells: [CellSummary] = []
        for (tls, rate) in [(false, 4_000.0), (true, 2_000.0)] {
            for system in ["builtin", "grpc-go"] {
                let record = CellRecord(
                    id: "\(system)-\(tls ? "tls" : "plain")-c10-r1", index: cells.count, system: system, connections: 10,
                    repeatIndex: 1, status: .ok, clientWorkers: 1
                ).with(scenario: nil, cpus: nil, ratePerSecond: nil, slo: nil, tls: tls)
                var cell = CellAggregator.summarize(record: record, servers: [], clients: [])
                cell.requestsPerSecond = rate
                cells.append(cell)
            }
        }
        return cells
    }

    @Test func summaryJSONSaysTLSPerCellAndReadsOldSummariesAsPlain() throws {
        let cells = cells()
        let data = try JSONEncoder().encode(cells[2])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["tls"] as? Bool == true)
        #expect(try JSONDecoder().decode(CellSummary.self, from: data).tls)
        var old = object
        old["tls"] = nil
        #expect(try !JSONDecoder().decode(CellSummary.self, from: JSONSerialization.data(withJSONObject: old)).tls)
    }

    @Test func theKeyTellsTLSFromPlainAndPlainMatchesRunsWithoutTLS() {
        let cells = cells()
        let plain = CellKey(cells[0]), tls = CellKey(cells[2])
        #expect(plain != tls)
        #expect(tls.label == "builtin tls c10")
        #expect(plain.label == "builtin c10")
        var before = cells[0]
        before.tls = false
        #expect(CellKey(before) == plain)
        #expect(cells[2].label == "builtin tls c10 r1")
    }

    @Test func theTableHasATLSColumnWithPlainAndTLSInOneSection() {
        let rows = CellGroup.groups(of: cells())
        #expect(rows.map { "\($0.system) \($0.tls)" } == ["builtin false", "grpc-go false", "builtin true", "grpc-go true"])
        let column = ComparisonColumn.columns(for: rows).first { $0.heading == "tls" }
        #expect(column != nil)
    }

    @Test func eachSystemGetsACurveFromPlainToTLS() throws {
        let series = ScalingSeries.all(cells()).filter { $0.dimension == .tls }
        let set = try #require(series.first)
        #expect(series.count == 1)
        #expect(set.lines.map(\.system) == ["builtin", "grpc-go"])
        #expect(set.lines.allSatisfy { $0.points.map(\.x) == [0, 1] })
        #expect(set.lines[0].points.map(\.cells.cells[0].requestsPerSecond) == [4_000, 2_000])
        #expect(ScalingDimension.tls.format(0) == "plain" && ScalingDimension.tls.format(1) == "TLS")
        // Without a sweep there is no such curve.
        #expect(ScalingSeries.all(Array(cells().prefix(2))).allSatisfy { $0.dimension != .tls })
    }
}
