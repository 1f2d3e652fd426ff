import Metrics
import Testing

@testable import Report

/// The second part's report blocks: SLO misses, the capacity table and the decision block.
@Suite struct CapacityReportTests {
    private func cell(
        _ system: String, scenario: String, cpus: Double?, connections: Int, rate: Double,
        offered: Double? = nil, p99: UInt64 = 5_000, sloMisses: [String]? = nil, status: CellStatus = .ok
    ) -> CellSummary {
        var cell = Fixtures.cell(system, connections, status: status, rate: rate, p99: p99)
        let cpuPart = cpus.map { "-cpus\($0)" } ?? ""
        cell.id = "\(scenario)-\(system)\(cpuPart)-c\(connections)-\(offered.map { "r\(Int($0))" } ?? "rmax")-1"
        cell.scenario = scenario
        cell.cpus = cpus
        cell.ratePerSecond = offered
        if let sloMisses {
            cell.sloMet = sloMisses.isEmpty
            cell.sloMisses = sloMisses
        }
        return cell
    }

    private func entry(_ system: String, cpus: Double, rate: Double, cell: String, limited: Bool = false) -> CapacityEntry {
        CapacityEntry(
            cell: cell, scenario: "capacity", system: system, cpus: cpus, connections: 1_000, ratePerSecond: rate,
            confirmed: !limited, limitedByGenerator: limited,
            note: limited ? "the load generator drove only 2,500/s of the 6,000/s trial (void); 3,000/s, …" : nil,
            trials: limited
                ? [
                    // The void trial that stopped the search is what the cell's files hold (its p99 is 5 ms there).
                    CapacityTrial(ratePerSecond: rate, p99Microseconds: 24_000, errors: 0, met: true, valid: true),
                    CapacityTrial(ratePerSecond: rate * 2, p99Microseconds: 2_120_000, errors: 0, met: false, valid: false)
                ]
                : [CapacityTrial(ratePerSecond: rate, p99Microseconds: 41_000, errors: 0, met: true, valid: true, confirm: true)])
    }

    func run() -> RunSummary {
        var cells = [
            cell("go", scenario: "unary", cpus: 1, connections: 100, rate: 50_000),
            cell("go", scenario: "unary", cpus: 1, connections: 1_000, rate: 45_000),
            cell("go", scenario: "unary", cpus: 1, connections: 10_000, rate: 20_000),
            cell("py", scenario: "unary", cpus: 1, connections: 100, rate: 8_000),
            cell("py", scenario: "unary", cpus: 1, connections: 1_000, rate: 7_000),
            cell("py", scenario: "unary", cpus: 1, connections: 10_000, rate: 0, status: .failed),
            cell("go", scenario: "latency", cpus: 1, connections: 100, rate: 1_000, offered: 1_000, sloMisses: []),
            cell(
                "py", scenario: "latency", cpus: 1, connections: 100, rate: 990, offered: 1_000, p99: 71_240,
                sloMisses: ["p99 71.2ms > 50ms"])
        ]
        let searched = [
            cell("go", scenario: "capacity", cpus: 1, connections: 1_000, rate: 6_000, offered: 6_000, sloMisses: []),
            cell("go", scenario: "capacity", cpus: 2, connections: 1_000, rate: 12_000, offered: 12_000, sloMisses: []),
            cell(
                "py", scenario: "capacity", cpus: 1, connections: 1_000, rate: 3_000, offered: 3_000,
                sloMisses: ["p99 60ms > 50ms"])
        ]
        cells += searched
        var summary = RunSummary(
            barrage: "0.1.0", topology: "article", started: "2026-12-01T20:00:00Z", status: .failed, cells: cells)
        summary.capacity = [
            entry("go", cpus: 1, rate: 6_000, cell: searched[0].id),
            entry("go", cpus: 2, rate: 12_000, cell: searched[1].id),
            entry("py", cpus: 1, rate: 3_000, cell: searched[2].id, limited: true)
        ]
        summary.decisionLoadPerSecond = 10_000
        return summary
    }

    @Test func onlyGatedCellsThatMissedCountForExitThree() {
        // The py capacity cell missed its target in the confirm run: a search, not a gate.
        #expect(run().sloGateMisses.map(\.label) == ["latency py cpus1 c100 1000/s r1"])
    }

    @Test func tableShowsScenarioCpusAndOfferedRateAndListsTheSLOMisses() {
        let text = ReportRenderer.render(run(), format: .table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[2].hasPrefix("scenario  system  cpus  offered/s   conns  status"), "\(text)")
        // A cell failed: its exit 1 wins, and the heading does not promise 3.
        #expect(text.contains("\nslo missed:\n  latency py cpus1 c100 1000/s r1: p99 71.2ms > 50ms\n"), "\(text)")
        var ok = run()
        ok.cells.removeAll { $0.status != .ok }
        ok.status = .ok
        #expect(
            ReportRenderer.render(ok, format: .table).contains(
                "\nslo missed (exit 3):\n  latency py cpus1 c100 1000/s r1: p99 71.2ms > 50ms\n"))
        #expect(
            ReportRenderer.render(ok, format: .markdown).contains(
                "\nslo missed (exit 3):\n\n- latency py cpus1 c100 1000/s r1: p99 71.2ms > 50ms\n"))
        #expect(!text.contains("capacity py cpus1 c1000 3000/s r1: p99 60ms"))
    }

    @Test func capacityTableHasOneRowPerSearchWithPerCoreFigures() {
        let lines = CapacityTable.lines(run())
        #expect(lines.first == CapacityTable.title)
        #expect(lines[1] == "scenario  system  conns  cpus  capacity/s  per core/s      p99  srv RSS sust")
        #expect(lines[3] == "capacity  go      1,000     1       6,000       6,000   5.00ms      60.0 MiB")
        #expect(lines[4] == "capacity  go      1,000     2      12,000       6,000   5.00ms      60.0 MiB")
        // A lower bound shows the valid trial that met the SLO at its rate, not the void trial's cell.
        #expect(lines[5] == "capacity  py      1,000     1       3,000       3,000  24.00ms             -  lower bound")
        #expect(
            lines.last == "capacity py cpus1 c1000: the load generator drove only 2,500/s of the 6,000/s trial (void); 3,000/s, …"
        )
    }

    @Test func decisionBlockAnswersFromTheMeasuredFigures() {
        let lines = DecisionBlock.lines(run())
        #expect(
            lines
                == [
                    DecisionBlock.title,
                    "  cores for 10,000/s at the SLO, go: 2 (capacity 12,000/s at 1000 connections)",
                    "  cores for 10,000/s at the SLO, py: about 3.3, extrapolated from 3,000/s per core at cpus 1 "
                        + "(no measured cpus value reached it; scaling across cores is assumed, not measured)",
                    "  memory for 10,000 connections, go: 64.0 MiB peak RSS",
                    "  memory for 10,000 connections, py: did not hold them: client-1 exited",
                    "  req/s stopped scaling, unary go cpus1: at 10,000 connections (20,000/s, 56 % below 45,000/s at 1,000)",
                    "  req/s kept up, unary py cpus1: no count fell more than 20 % below the previous, up to 1,000 connections",
                    "  req/s kept up, capacity go cpus1: no count fell more than 20 % below the previous, up to 1,000 connections"
                ].filter { !$0.contains("capacity go cpus1") })
    }

    @Test func aPlainRunHasNoNewBlocks() {
        let summary = Fixtures.run()
        #expect(CapacityTable.lines(summary).isEmpty)
        #expect(DecisionBlock.lines(summary).isEmpty)
        #expect(summary.sloGateMisses.isEmpty)
    }
}
