import Foundation
import Testing

@testable import Report

@Suite struct RunComparisonTests {
    /// A run of `builtin` and `other` at 100 connections with the given req/s per repeat.
    static func run(builtin: [Double], other: [Double], extra: Bool = false) -> RunSummary {
        var cells = builtin.enumerated().map { Fixtures.cell("builtin", 100, repeat: $0.offset + 1, rate: $0.element) }
        cells += other.enumerated().map { Fixtures.cell("other", 100, repeat: $0.offset + 1, rate: $0.element) }
        if extra { cells.append(Fixtures.cell("builtin", 1_000, rate: 5)) }
        return RunSummary(barrage: "0.1.0", topology: "t", started: "2026-12-01T20:00:00Z", status: .ok, cells: cells)
    }

    static func comparison(_ a: RunSummary, _ b: RunSummary) -> RunComparison {
        RunComparison([
            RunComparison.Run(label: "A", directory: "a", summary: a),
            RunComparison.Run(label: "B", directory: "b", summary: b)
        ])
    }

    @Test func overlappingRepeatsAreNoiseAndSeparatedOnesAreSignificant() throws {
        let comparison = Self.comparison(
            Self.run(builtin: [100, 104, 98, 102], other: [50, 51, 49, 52]),
            Self.run(builtin: [101, 97, 103, 99], other: [25, 26, 24, 27], extra: true))
        let rates = comparison.rows.filter { $0.figure == .requestsPerSecond }
        #expect(rates.map(\.key.label) == ["builtin c100", "other c100"])
        let builtin = rates[0], other = rates[1]
        #expect(builtin.medians == [100, 99])
        let noise = try #require(builtin.tests[0])
        #expect(noise.p >= 0.05)
        #expect(RunComparison.ratioText(builtin.ratios[0], noise).hasPrefix("~ (p="))
        let halved = try #require(other.tests[0])
        #expect(abs(halved.p - 0.02857142857142857) < 1e-12)
        #expect(RunComparison.ratioText(other.ratios[0], halved) == "×0.50 (p=0.029)")
        #expect(comparison.unmatched.map { "\($0.key.label) \($0.run)" } == ["builtin c1000 B"])
        let table = RunComparisonRenderer.render(comparison, format: .table)
        #expect(table.contains("builtin c1000: only in B"))
        #expect(table.contains("req/s"))
        #expect(table.contains("×0.50 (p=0.029)"))
    }

    @Test func fewRepeatsGiveAnUntestedRatioAndThreeASideSaySoInANote() throws {
        let single = Self.comparison(Self.run(builtin: [100], other: [50]), Self.run(builtin: [110], other: [50]))
        let row = try #require(single.rows.first { $0.figure == .requestsPerSecond })
        #expect(row.tests == [nil])
        #expect(RunComparison.ratioText(row.ratios[0], nil) == "×1.10")
        #expect(single.footnotes.contains { $0.contains("not tested") })
        let three = Self.comparison(
            Self.run(builtin: [100, 101, 102], other: [50, 51, 52]),
            Self.run(builtin: [200, 201, 202], other: [50, 51, 52]))
        #expect(three.footnotes.contains { $0.contains("smallest possible p is 0.100") })
    }

    @Test func csvHasOneRowPerRunAndCell() {
        let comparison = Self.comparison(
            Self.run(builtin: [100, 104, 98], other: [50]),
            Self.run(builtin: [101, 97, 103], other: [25]))
        let lines = RunComparisonRenderer.render(comparison, format: .csv).components(separatedBy: "\r\n")
        // Every cell carries replicas 1: a setting both runs hold, so no column of its own.
        #expect(lines[0].hasPrefix("run,directory,system,connections,ok_repeats,requests_per_second,requests_per_second_ratio,"))
        #expect(lines.count == 6)  // header, 2 cells × 2 runs, the empty string after the last CRLF
        #expect(lines[1].hasPrefix("A,a,builtin,100,3,100,,,"))
        #expect(lines[2].hasPrefix("B,b,builtin,100,3,101,1.01,"))
    }

    @Test func aSettingHeldForAWholeRunMatchesAcrossRunsAndASweptOneDoesNot() throws {
        // Run B gave every server half a core: its cells still pair with A's, and the ratio is
        // what the limit did.
        var limited = Self.run(builtin: [50, 52, 49, 51], other: [25, 26, 24, 27])
        for index in limited.cells.indices { limited.cells[index].cpus = 0.5 }
        let held = Self.comparison(Self.run(builtin: [100, 104, 98, 102], other: [50, 51, 49, 52]), limited)
        #expect(held.unmatched.isEmpty)
        let builtin = try #require(held.rows.first { $0.figure == .requestsPerSecond && $0.key.system == "builtin" })
        #expect(builtin.key.label == "builtin c100")
        #expect(builtin.medians == [100, 50])  // the lower middle of an even count
        // A run that sweeps cpus keeps them in its keys: none of its cells is A's.
        var swept = limited
        for index in swept.cells.indices where swept.cells[index].system == "other" { swept.cells[index].cpus = 1 }
        let sweep = Self.comparison(Self.run(builtin: [100, 104, 98, 102], other: [50, 51, 49, 52]), swept)
        #expect(sweep.rows.isEmpty)
        #expect(
            Set(sweep.unmatched.map(\.key.label)) == ["builtin c100", "other c100", "builtin cpus 0.5 c100", "other cpus 1 c100"])
    }

    @Test func jsonCarriesSamplesRatiosAndTests() throws {
        let comparison = Self.comparison(
            Self.run(builtin: [100, 104, 98, 102], other: [50]),
            Self.run(builtin: [50, 52, 49, 51], other: [50]))
        let json = RunComparisonRenderer.render(comparison, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        let first = try #require(rows.first)
        #expect(first["label"] as? String == "builtin c100")
        #expect(first["figure"] as? String == "requests_per_second")
        let tests = try #require(first["tests"] as? [[String: Any]])
        #expect(tests.first?["significant"] as? Bool == true)
        #expect((object["runs"] as? [[String: Any]])?.count == 2)
    }

    @Test func htmlDrawsOneLinePerRunOfEachSystem() {
        var a = Self.run(builtin: [100], other: [50])
        var b = Self.run(builtin: [90], other: [45])
        for index in a.cells.indices { a.cells[index].timeseries = Fixtures.timeseries() }
        for index in b.cells.indices { b.cells[index].timeseries = Fixtures.timeseries() }
        let html = RunComparisonRenderer.render(Self.comparison(a, b), format: .html)
        let figures = HTMLReportTests.figures(html, kind: "timeseries")
        #expect(figures.count == 4)
        for figure in figures {
            #expect(HTMLReportTests.count(figure, "<path class=\"series\"") == 4)
            #expect(figure.contains("data-series=\"builtin (B)\""))
        }
        // Run B's line: the system's colour, dashed.
        #expect(html.contains("data-series=\"builtin (B)\" d=\""))
        let line = html.components(separatedBy: "data-series=\"builtin (B)\"")[1].components(separatedBy: "/>")[0]
        #expect(line.contains("stroke=\"#0072B2\" stroke-width=\"2\" stroke-dasharray=\"6 4\""))
    }

    /// A run of builtin at 1,000 connections over `replicas`, `rate` req/s per replica.
    static func replicaRun(_ replicas: [Int], rate: Double) -> RunSummary {
        RunSummary(
            barrage: "0.1.0", topology: "t", started: "2026-12-01T20:00:00Z", status: .ok,
            cells: replicas.map { Fixtures.replicatedCell("builtin", replicas: $0, rate: rate * Double($0)) })
    }

    @Test func replicaSweepsMatchByReplicaCount() {
        let both = Self.comparison(Self.replicaRun([1, 2, 3], rate: 100), Self.replicaRun([1, 2, 3], rate: 110))
        let rates = both.rows.filter { $0.figure == .requestsPerSecond }
        #expect(rates.map(\.key.label) == ["builtin c1000", "builtin replicas 2 c1000", "builtin replicas 3 c1000"])
        #expect(rates.map { $0.medians } == [[100, 110], [200, 220], [300, 330]])
        #expect(both.unmatched.isEmpty)
    }

    @Test func aRunHeldAtOneReplicaCountMatchesThatCountOfASweep() {
        // B ran only 2 replicas: its cells are A's 2-replica cells, not all three of A's.
        let comparison = Self.comparison(Self.replicaRun([1, 2, 3], rate: 100), Self.replicaRun([2], rate: 90))
        let rates = comparison.rows.filter { $0.figure == .requestsPerSecond }
        #expect(rates.map(\.key.label) == ["builtin replicas 2 c1000"])
        #expect(rates.first?.medians == [200, 180])
        #expect(comparison.unmatched.map { "\($0.key.label) \($0.run)" } == ["builtin c1000 A", "builtin replicas 3 c1000 A"])
        let table = RunComparisonRenderer.render(comparison, format: .table)
        #expect(table.contains("×0.90"))
    }

    @Test func runsEachHeldAtTheirOwnReplicaCountMatchCellByCell() {
        // One replica against two of the same topology: the ratio is what the second replica did.
        let comparison = Self.comparison(Self.replicaRun([1], rate: 100), Self.replicaRun([2], rate: 95))
        let rates = comparison.rows.filter { $0.figure == .requestsPerSecond }
        #expect(rates.map(\.key.label) == ["builtin c1000"])
        #expect(rates.first?.ratios == [1.9])
        #expect(comparison.unmatched.isEmpty)
    }
}
