import Metrics
import Testing

@testable import Report

/// Churn and pauses in the comparison, the decision block and report.html.
@Suite struct ChurnAndPauseReportTests {
    static func run() -> RunSummary {
        var churned = Fixtures.cell("builtin", 10, rate: 4_000)
        churned.connectionsOpened = 800
        churned.connect = ConnectFigures(p50: 210, p99: 950, max: 1_800)
        churned.pauses = PauseFigures(
            thresholdMs: 10,
            common: [PauseSpan(startUs: 200_000, endUs: 350_000), PauseSpan(startUs: 1_200_000, endUs: 1_320_000)])
        churned.timeseries = (0..<3).map {
            TimeSeriesPoint(
                tSeconds: $0, requests: 4_000, errors: 0, p50Microseconds: 100, p99Microseconds: 900,
                serverCPUPercent: nil, serverRSSBytes: nil)
        }
        let steady = Fixtures.cell("other", 10, rate: 5_000)
        return RunSummary(
            barrage: "0.1.0", topology: "churn", started: "2026-12-07T08:00:00Z", status: .ok, cells: [churned, steady])
    }

    @Test func theTableShowsConnectionsPerSecondSetUpAndPauses() {
        let columns = ComparisonColumn.columns(for: CellGroup.groups(of: Self.run().cells))
        let headings = columns.map(\.heading)
        #expect(headings.contains("conn/s") && headings.contains("connect p50") && headings.contains("pauses"))
        let rows = CellGroup.groups(of: Self.run().cells)
        func value(_ heading: String, _ row: Int) -> String? {
            columns.first { $0.heading == heading }?.value(rows[row])
        }
        #expect(value("conn/s", 0) == "80.0")
        #expect(value("pauses", 0) == "2 (150ms)")
        #expect(value("pauses", 1) == "0")
    }

    @Test func theDecisionBlockNamesSetUpCostAndTheLongestPause() {
        let lines = DecisionBlock.lines(Self.run())
        #expect(lines.first == DecisionBlock.title)
        #expect(
            lines.contains { $0.contains("connection set-up, builtin: p50 210µs, p99 950µs (up to 80 new connections/s)") },
            "\(lines)")
        #expect(
            lines.contains { $0.contains("longest server pause, builtin: 150 ms (2 pauses ≥ 10 ms over 1 cells") }, "\(lines)")
        #expect(!lines.contains { $0.contains("other") }, "a steady system has nothing to say: \(lines)")
    }

    @Test func theDecisionBlockSaysHowFarChurnMovedCapacity() {
        var steady = Fixtures.cell("builtin", 1_000, rate: 1_600)
        steady.id = "capacity-builtin-c1000-rsearch-1"
        steady.scenario = "capacity"
        var churned = Fixtures.cell("builtin", 1_000, rate: 1_200)
        churned.id = "churn-capacity-builtin-c1000-rsearch-1"
        churned.scenario = "churn-capacity"
        churned.connectionsOpened = 10_000
        var summary = RunSummary(
            barrage: "0.1.0", topology: "churn", started: "2026-12-07T08:00:00Z", status: .ok, cells: [steady, churned])
        summary.capacity = [
            CapacityEntry(
                cell: steady.id, scenario: "capacity", system: "builtin", cpus: 1, connections: 1_000, ratePerSecond: 1_600,
                confirmed: true, limitedByGenerator: false, note: nil, trials: []),
            CapacityEntry(
                cell: churned.id, scenario: "churn-capacity", system: "builtin", cpus: 1, connections: 1_000,
                ratePerSecond: 1_200, confirmed: true, limitedByGenerator: false, note: nil, trials: [])
        ]
        let lines = DecisionBlock.lines(summary)
        #expect(
            lines.contains {
                $0.contains(
                    "churn moves capacity, builtin: 1,200/s with churn (churn-capacity) against 1,600/s without (capacity): -25 %"
                )
            }, "\(lines)")
    }

    @Test func aSearchThatFoundNoRateLeavesTheChurnQuestionOpenAndSaysSo() {
        var steady = Fixtures.cell("builtin", 1_000, rate: 1_000)
        steady.id = "capacity-builtin-c1000-rsearch-1"
        var churned = Fixtures.cell("builtin", 1_000, rate: 1_000)
        churned.id = "churn-capacity-builtin-c1000-rsearch-1"
        churned.connectionsOpened = 600
        var summary = RunSummary(
            barrage: "0.1.0", topology: "churn", started: "2026-12-07T08:00:00Z", status: .ok, cells: [steady, churned])
        summary.capacity = [
            CapacityEntry(
                cell: steady.id, scenario: "capacity", system: "builtin", cpus: 1, connections: 1_000, ratePerSecond: 1_600,
                confirmed: true, limitedByGenerator: false, note: nil, trials: []),
            CapacityEntry(
                cell: churned.id, scenario: "churn-capacity", system: "builtin", cpus: 1, connections: 1_000,
                ratePerSecond: 0, confirmed: false, limitedByGenerator: true, note: "void", trials: [])
        ]
        let lines = DecisionBlock.lines(summary).filter { $0.contains("churn moves capacity") }
        #expect(
            lines == ["  churn moves capacity, builtin: unknown (no rate met the SLO with churn; see the capacity notes)"],
            "\(lines)")
    }

    @Test func churnIsSetAgainstTheSameCPULimitOnly() {
        var entries: [CapacityEntry] = []
        var cells: [CellSummary] = []
        // Without churn 1,000/s at half a core and 2,000/s at one; with churn 800/s and 1,900/s.
        for (cpus, steadyRate, churnedRate) in [(0.5, 1_000.0, 800.0), (1.0, 2_000.0, 1_900.0)] {
            for (scenario, rate) in [("capacity", steadyRate), ("churn-capacity", churnedRate)] {
                var cell = Fixtures.cell("builtin", 1_000, rate: rate)
                cell.id = "\(scenario)-builtin-cpus\(cpus)-c1000-rsearch-1"
                cell.scenario = scenario
                cell.cpus = cpus
                if scenario != "capacity" { cell.connectionsOpened = 5_000 }
                cells.append(cell)
                entries.append(
                    CapacityEntry(
                        cell: cell.id, scenario: scenario, system: "builtin", cpus: cpus, connections: 1_000,
                        ratePerSecond: rate, confirmed: true, limitedByGenerator: false, note: nil, trials: []))
            }
        }
        var summary = RunSummary(
            barrage: "0.1.0", topology: "churn", started: "2026-12-07T08:00:00Z", status: .ok, cells: cells)
        summary.capacity = entries
        let lines = DecisionBlock.lines(summary).filter { $0.contains("churn moves capacity") }
        // Not 1,900/s against the best 2,000/s only, nor 800/s against 2,000/s.
        #expect(
            lines == [
                "  churn moves capacity, builtin cpus 0.5: 800/s with churn (churn-capacity) against 1,000/s without (capacity): -20 %",
                "  churn moves capacity, builtin cpus 1: 1,900/s with churn (churn-capacity) against 2,000/s without (capacity): -5 %"
            ], "\(lines)")
    }

    @Test func reportHTMLShadesThePausesOnTheTimeSeries() {
        let charts = ReportCharts.timeSeries(Self.run().cells, palette: SystemPalette(["builtin", "other"]))
        let svg = charts.map { $0.chart.render() }.joined()
        #expect(svg.components(separatedBy: "class=\"band\"").count - 1 == 4, "two pauses on the req/s and p99 charts")
        #expect(svg.contains("server pause of 150 ms at 0.20 s"))
    }
}
