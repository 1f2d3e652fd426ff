import Testing

@testable import Report

/// The comparison of a sweep with repeats: one row per (system, connections), medians and ranges.
@Suite struct RepeatedComparisonTests {
    static func rows(_ table: String) -> [Substring] {
        // Table rows, not the problem lines ("other c1000 r2: …") nor the scaling lines ("builtin: …").
        table.split(separator: "\n").filter { ($0.hasPrefix("builtin ") || $0.hasPrefix("other ")) && !$0.contains(": ") }
    }

    @Test func repeatsFoldIntoOneRowWithMedianAndRange() throws {
        let table = ReportRenderer.render(Fixtures.sweep(), format: .table)
        let rows = Self.rows(table)
        #expect(rows.count == 6)
        let first = try #require(rows.first)
        #expect(first.hasPrefix("builtin     100  3/3 ok"))
        #expect(first.contains("95,000 (94,000–96,500)"))
        #expect(first.contains("1.30ms (1.20–1.40ms)"))
        #expect(first.contains("39.6 KiB (39.1–40.1 KiB)"))
        // All three p50s equal: no range to show.
        #expect(first.contains("  300µs  "))
        #expect(!table.contains("repeat "))
        #expect(table.contains(Comparison.repeatsFootnote))
    }

    @Test func aFailedRepeatIsLeftOutOfTheMedianButCountedAndListed() throws {
        let table = ReportRenderer.render(Fixtures.sweep(), format: .table)
        let row = try #require(Self.rows(table).first { $0.hasPrefix("other     1,000") })
        #expect(row.contains("2/3 ok"))
        // The ok repeats 60,000 and 61,000: the lower middle one, not a median dragged to 0 by the failure.
        #expect(row.contains("60,000 (60,000–61,000)"))
        #expect(table.contains("other c1000 r2: client-1 exited"))
    }

    @Test func aRowWithoutAnOkRepeatSaysSoInCapitals() {
        let failed = (1...3).map { Fixtures.cell("builtin", 100, repeat: $0, status: .failed, rate: 0) }
        let row = CellGroup.groups(of: failed)[0]
        #expect(ComparisonColumn.statusText(row) == "FAILED 0/3")
        let interrupted = CellGroup.groups(of: [
            Fixtures.cell("builtin", 100, rate: 1),
            Fixtures.cell("builtin", 100, repeat: 2, status: .interrupted, rate: 0)
        ])
        #expect(ComparisonColumn.statusText(interrupted[0]) == "1/2 ok")
        let stopped = CellGroup.groups(of: [
            Fixtures.cell("builtin", 100, status: .interrupted, rate: 0),
            Fixtures.cell("builtin", 100, repeat: 2, status: .interrupted, rate: 0)
        ])
        #expect(ComparisonColumn.statusText(stopped[0]) == "INTERRUPTED 0/2")
    }

    @Test func rowsAreByConnectionsThenFirstRunWithRepeatsInRunOrder() {
        let cells = [
            Fixtures.cell("b", 1_000, rate: 1), Fixtures.cell("a", 100, rate: 1),
            Fixtures.cell("b", 100, rate: 1), Fixtures.cell("a", 100, repeat: 2, rate: 2)
        ]
        let rows = CellGroup.groups(of: cells)
        #expect(rows.map { "\($0.system)\($0.connections)" } == ["a100", "b100", "b1000"])
        #expect(rows[0].cells.map(\.repeatIndex) == [1, 2])
    }

    @Test func scalingHasOneLinePerSystemForAThreeCountSweep() {
        #expect(
            ScalingLines.lines(Fixtures.sweep().cells) == [
                "builtin: 100 → 1,000 → 10,000 conns; req/s 95,000 → 120,000 (×1.26) → 80,000 (×0.67);"
                    + " p99 1.30ms → 3.50ms → 40.10ms; mem/conn 39.6 KiB → 14.2 KiB → 10.3 KiB",
                "other: 100 → 1,000 → 10,000 conns; req/s 50,000 → 60,000 (×1.20) → 30,000 (×0.50);"
                    + " p99 1.30ms → 3.40ms → 40.10ms"
            ])
        let table = ReportRenderer.render(Fixtures.sweep(), format: .table)
        #expect(
            table.contains("other c1000 r2: client-1 exited\n\n" + ScalingLines.title + "\nbuiltin: 100 → 1,000 → 10,000 conns;"))
    }

    @Test func scalingShowsACountWithoutAnOkRunAsADashWithoutRatios() {
        let cells = [
            Fixtures.cell("builtin", 100, rate: 1_000, p99: 900),
            Fixtures.cell("builtin", 1_000, status: .failed, rate: 0),
            Fixtures.cell("builtin", 10_000, rate: 2_000, p99: 2_000)
        ]
        #expect(
            ScalingLines.lines(cells) == ["builtin: 100 → 1,000 → 10,000 conns; req/s 1,000 → - → 2,000; p99 900µs → - → 2.00ms"])
    }

    @Test func noScalingWithoutASystemAtTwoCounts() {
        // builtin at 100 only, other-server at 1,000 only.
        #expect(ScalingLines.lines(Fixtures.run().cells).isEmpty)
        #expect(!ReportRenderer.render(Fixtures.run(), format: .table).contains("scaling"))
    }

    @Test func lateSendsMarkTheRowAndAreCountedInAFootnote() throws {
        let table = ReportRenderer.render(Fixtures.sweep(), format: .table)
        let rows = Self.rows(table)
        #expect(rows.filter { $0.hasSuffix("  late") }.map { $0.prefix(15) } == ["other    10,000"])
        #expect(
            table.contains(
                "late: the load generator fell behind the asked rate: 4,321 sends went out ≥ 1 ms late"
                    + " with a stream free (other c10000 r3: 4,321); latency still counts from the schedule"))
        #expect(!ReportRenderer.render(Fixtures.run(), format: .table).contains("late"))
    }

    @Test func theLimitColumnNamesTheBottleneckAndLateSendsKeepTheirMark() {
        var cell = Fixtures.cell("builtin", 100, rate: 1, lateSends: 1, saturated: true)
        cell.bottleneck = .client
        let row = CellGroup.groups(of: [cell])[0]
        #expect(ComparisonColumn.limitText(row) == "client")
        #expect(ComparisonColumn.marks(row) == "late")
        // Below 1 % of the sends, late sends are the host's hiccups: counted, not marked.
        let hiccup = Fixtures.cell("builtin", 100, rate: 100, lateSends: 9)
        #expect(hiccup.lateShare == 0.009 && !hiccup.generatorFellBehind)
        #expect(ComparisonColumn.marks(CellGroup.groups(of: [hiccup])[0]) == "")
        #expect(Comparison.lateFootnote([hiccup]) == nil)
        cell.bottleneck = .none
        #expect(ComparisonColumn.limitText(CellGroup.groups(of: [cell])[0]) == "-")
    }

    @Test func unfinishedCallsOverOnePerThousandMakeThePercentilesLowerBounds() {
        var cell = Fixtures.cell("builtin", 100, rate: 1)
        cell.requests = 9_990
        cell.errors = 0
        cell.unfinished = 10  // 0.1 % of 10,000: not over
        #expect(!cell.percentilesAreLowerBounds)
        #expect(Comparison.lowerBoundsFootnote([cell]) == nil)
        cell.unfinished = 11
        cell.unfinishedOldestUs = 2_100_000
        #expect(cell.percentilesAreLowerBounds)
        #expect(ComparisonColumn.marks(CellGroup.groups(of: [cell])[0]) == "lower bounds")
        let table = ReportRenderer.render(
            RunSummary(
                barrage: "0", topology: "t", started: "", status: .ok, cells: [cell]), format: .table)
        #expect(table.contains("lower bounds: the percentiles are lower bounds where over 0.1 % of the calls"), "\(table)")
        #expect(table.contains("builtin c100 r1: 11 unfinished, the oldest 2.10s"), "\(table)")
    }

    @Test func queuedSendsAreCountedInAFootnoteWithoutAMark() {
        var cell = Fixtures.cell("builtin", 100, rate: 1)
        cell.clients.queuedSends = 4_321
        let table = ReportRenderer.render(
            RunSummary(barrage: "0.1.0", topology: "q", started: "", status: .ok, cells: [cell]),
            format: .table)
        #expect(
            table.contains(
                "queued: 4,321 open-loop sends came due while every stream of their connection was busy"
                    + " and waited for one (builtin c100 r1: 4,321): the server's queueing, counted from the due time"))
        #expect(!table.contains("late"))
        #expect(ComparisonColumn.marks(CellGroup.groups(of: [cell])[0]) == "")
    }

    @Test func aRowTakesTheVerdictMostRepeatsGotAndServerCPUOnATie() {
        func cells(_ verdicts: [Bottleneck]) -> [CellSummary] {
            verdicts.enumerated().map { index, verdict in
                var cell = Fixtures.cell("builtin", 100, repeat: index + 1, rate: 1)
                cell.bottleneck = verdict
                return cell
            }
        }
        #expect(CellGroup.groups(of: cells([.none, .client, .none]))[0].bottleneck == .none)
        #expect(CellGroup.groups(of: cells([.client, .serverCPU]))[0].bottleneck == .serverCPU)
        #expect(CellGroup.groups(of: cells([.client, .none]))[0].bottleneck == .client)
    }

    @Test func memoryPerConnectionShowsInHumanBytesOrADash() throws {
        let column = try #require(ComparisonColumn.columns(for: []).first { $0.heading == "mem/conn" })
        let known = CellGroup.groups(of: [Fixtures.cell("builtin", 100, rate: 1, memoryPerConnection: 12_595)])[0]
        #expect(column.value(known) == "12.3 KiB")
        let unknown = CellGroup.groups(of: [Fixtures.cell("builtin", 100, rate: 1)])[0]
        #expect(column.value(unknown) == "-")
    }

    @Test func aRangeWritesASharedUnitOnce() {
        #expect(ComparisonColumn.range("1.20ms", "1.40ms") == "1.20–1.40ms")
        #expect(ComparisonColumn.range("812µs", "1.20ms") == "812µs–1.20ms")
        #expect(ComparisonColumn.range("1023 B", "1.0 KiB") == "1023 B–1.0 KiB")
        #expect(ComparisonColumn.range("94,000", "96,500") == "94,000–96,500")
    }

    @Test func markdownListsScalingAndKeepsNotesApart() throws {
        let markdown = ReportRenderer.render(Fixtures.sweep(), format: .markdown)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("| builtin |") || $0.hasPrefix("| other |") }.count == 6)
        #expect(lines.contains { $0.hasPrefix("- builtin: 100 → 1,000 → 10,000 conns;") })
        // Each footnote its own paragraph: a blank line before each.
        let late = lines.firstIndex { $0.hasPrefix("late: ") }
        #expect(late.map { lines[$0 - 1].isEmpty } == true)
        // The problems list, then the scaling title: the two lists stay apart.
        let problem = try #require(lines.firstIndex { $0.hasPrefix("- other c1000 r2:") })
        #expect(lines[problem + 1].isEmpty && lines[problem + 2] == Substring(MarkdownTable.escape(ScalingLines.title)))
    }
}
