import Metrics
import Testing

@testable import Report

@Suite struct ReportRendererTests {
    @Test func tableShowsEveryCellTheMarkAndTheFailure() {
        let table = ReportRenderer.render(Fixtures.run(), format: .table)
        #expect(table.contains("topology quick-local, started 2026-11-25T08:00:00Z, status failed"))
        #expect(table.contains("builtin"))
        #expect(table.contains("other-server"))
        #expect(table.contains("FAILED"))
        #expect(table.contains("other-server c1000 r1: server exited with status 1 before ready"))
        #expect(table.contains("limit: server-cpu = the server used ≥ 90 % of its CPU limit"))
        #expect(table.contains("client = a client worker was saturated or a client host had < 10 % CPU idle"))
        #expect(table.contains("15,000.0"))
        #expect(table.hasSuffix("\n"))
        #expect(!table.contains("repeat"))  // no cell repeats
    }

    @Test func tableRowsAreAlignedAndGroupedByConnections() throws {
        let lines = ReportRenderer.render(Fixtures.run(), format: .table).split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.hasPrefix("system") })
        // Header, rule, the 100-connection group, a blank line, the 1,000-connection group.
        #expect(lines[header + 1].hasPrefix("------"))
        #expect(lines[header + 2].hasPrefix("builtin "))
        #expect(lines[header + 2].hasSuffix("  client"))
        #expect(lines[header + 3].isEmpty)
        #expect(lines[header + 4].hasPrefix("other-server"))
        // Right-aligned columns end where their heading ends.
        let reqEnd = try #require(lines[header].range(of: "req/s")).upperBound.utf16Offset(in: lines[header])
        #expect(lines[header + 2].prefix(reqEnd).hasSuffix("15,000.0"))
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func repeatsOfACellShareOneRow() {
        var run = Fixtures.run()
        run.cells.append(
            {
                var cell = run.cells[1]; cell.repeatIndex = 2; return cell
            }())
        let table = ReportRenderer.render(run, format: .table)
        #expect(table.split(separator: "\n").filter { $0.hasPrefix("builtin ") }.count == 1)
        #expect(table.contains("2/2 ok"))
        #expect(table.contains("repeats"))
    }

    /// With one run per cell the table is what it was before repeats were folded, plus
    /// mem/conn and the limit column (which replaced the bare `*`).
    @Test func withoutRepeatsTheTableIsUnchanged() {
        #expect(
            ReportRenderer.render(Fixtures.run(), format: .table) == """
                topology quick-local, started 2026-11-25T08:00:00Z, status failed (barrage 0.1.0)

                system        conns  status     req/s    p50     p99   p99.9  errors  srv CPU%  srv RSS peak  srv RSS sust  mem/conn  cli CPU%  limit
                ------------  -----  ------  --------  -----  ------  ------  ------  --------  ------------  ------------  --------  --------  ------
                builtin         100  ok      15,000.0  100µs  2.50ms  2.50ms       0      50.0     300.0 MiB     100.0 MiB         -     115.0  client

                other-server  1,000  FAILED       0.0      -       -       -       0       0.0           0 B           0 B         -       0.0  -

                other-server c1000 r1: server exited with status 1 before ready
                limit: server-cpu = the server used ≥ 90 % of its CPU limit (of its host's cores when unlimited); client = a client worker was saturated or a client host had < 10 % CPU idle: the load generator, not the server, may be the limit; server-cpu wins when both hold (builtin c100 r1: local saturated)

                """)
    }

    @Test func markdownIsATableWithNotes() {
        let markdown = ReportRenderer.render(Fixtures.run(), format: .markdown)
        let lines = markdown.split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("| system |") }
        #expect(header != nil)
        #expect(header?.hasSuffix("|") == true)
        #expect(lines.contains { $0.hasPrefix("| :--- | ---: | :--- |") })
        #expect(lines.contains { $0.hasPrefix("| builtin | 100 | ok |") && $0.hasSuffix("| client |") })
        #expect(lines.contains("- other-server c1000 r1: server exited with status 1 before ready"))
        #expect(lines.contains { $0.hasPrefix("limit: server-cpu = the server used ≥ 90 % of its CPU limit") })
        // One table: no blank line between its rows.
        let rows = lines.filter { $0.hasPrefix("|") }
        #expect(rows.count == 4)
    }

    @Test func jsonIsTheEncodedSummary() {
        let run = Fixtures.run()
        #expect(ReportRenderer.render(run, format: .json) == String(decoding: ReportRenderer.encodeJSON(run), as: UTF8.self))
    }

    @Test func anEmptyRunStillRenders() {
        let run = RunSummary(barrage: "0.1.0", topology: "t", started: "s", status: .interrupted, cells: [])
        for format in ReportFormat.allCases {
            #expect(!ReportRenderer.render(run, format: format).isEmpty)
        }
    }
}

extension ReportRendererTests {
    @Test func aCellWithoutRequestsShowsNoLatency() throws {
        let table = ReportRenderer.render(Fixtures.run(), format: .table)
        let failedRow = try #require(table.split(separator: "\n").first { $0.hasPrefix("other-server") })
        #expect(!failedRow.contains("µs"))
        #expect(failedRow.contains(" - "))
    }
}
