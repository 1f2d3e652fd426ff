import Foundation
import Metrics
import Testing

@testable import Report

/// Stream calls in the comparison: a row says whether it counts calls or messages, streams/s
/// stands beside messages/s, and summary.json and report.html say the same.
@Suite struct StreamReportTests {
    /// A server-streaming cell: two workers, 5 messages per stream, and a unary one.
    static func run() -> RunSummary {
        var first = Fixtures.client(node: "client-1", requests: 5_000, cpuSeconds: 1)
        first.streams = 1_000
        var second = Fixtures.client(node: "client-2", windowMs: 5_000, requests: 2_500, cpuSeconds: 1)
        second.streams = 500
        var streamed = CellAggregator.summarize(
            record: Fixtures.record(system: "builtin"), servers: [Fixtures.server()], clients: [first, second])
        streamed.scenario = "stream"
        streamed.id = "stream-builtin-c100-r1"
        var unary = CellAggregator.summarize(
            record: Fixtures.record(system: "builtin"), servers: [Fixtures.server()],
            clients: [Fixtures.client(node: "client-1", requests: 4_000, cpuSeconds: 1)])
        unary.scenario = "unary"
        unary.id = "unary-builtin-c100-r1"
        return RunSummary(
            barrage: "0.1.0", topology: "streams", started: "2026-12-07T08:00:00Z", status: .ok, cells: [unary, streamed])
    }

    @Test func theCellAddsStreamsAndTakesEachClientsRateOverItsOwnWindow() throws {
        let cell = Self.run().cells[1]
        #expect(cell.requests == 7_500)
        #expect(cell.streams == 1_500)
        // 1,000 over 10 s and 500 over 5 s: 100 + 100 streams/s, and 500 + 500 messages/s.
        #expect(try #require(cell.streamsPerSecond) == 200)
        #expect(cell.requestsPerSecond == 1_000)
        #expect(cell.countsMessages)
        let unary = Self.run().cells[0]
        #expect(unary.streams == nil && unary.streamsPerSecond == nil && !unary.countsMessages)
    }

    @Test func theTableSaysWhatEachRowCountsAndShowsStreamsPerSecond() {
        let summary = Self.run()
        let rows = CellGroup.groups(of: summary.cells)
        let columns = ComparisonColumn.columns(for: rows)
        let headings = columns.map(\.heading)
        let rate = headings.firstIndex(of: "req/s")
        #expect(rate != nil && headings[rate! + 1] == ComparisonColumn.countsHeading && headings[rate! + 2] == "streams/s")
        func value(_ heading: String, _ row: Int) -> String? { columns.first { $0.heading == heading }?.value(rows[row]) }
        #expect(value("counts", 0) == "calls" && value("streams/s", 0) == "-")
        #expect(value("counts", 1) == "messages" && value("streams/s", 1) == "200.0")
        let table = ReportRenderer.render(summary, format: .table)
        #expect(table.contains(ComparisonColumn.countsFootnote), "\(table)")
    }

    @Test func aRunWithoutStreamsKeepsItsColumns() {
        let rows = CellGroup.groups(of: [Self.run().cells[0]])
        let headings = ComparisonColumn.columns(for: rows).map(\.heading)
        #expect(!headings.contains(ComparisonColumn.countsHeading) && !headings.contains("streams/s"))
    }

    @Test func summaryJSONNamesWhatRequestsAreAndReadsBack() throws {
        let data = ReportRenderer.encodeJSON(Self.run())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells[0]["requests_are"] as? String == "calls")
        #expect(cells[0]["streams"] is NSNull && cells[0]["streams_per_second"] is NSNull)
        #expect(cells[1]["requests_are"] as? String == "messages")
        #expect(cells[1]["streams"] as? Int == 1_500)
        #expect(cells[1]["streams_per_second"] as? Double == 200)
        let back = try ReportRenderer.decodeSummary(data)
        #expect(back.cells == Self.run().cells)
        let csv = ReportRenderer.render(Self.run(), format: .csv)
        #expect(csv.split(separator: "\n")[0].contains("requests_are") && csv.contains("messages"))
    }

    @Test func reportHTMLSaysTheLatencyIsPerMessage() {
        let summary = Self.run()
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 200)
        let html = HTMLReport.render(
            summary, histograms: Dictionary(uniqueKeysWithValues: summary.cells.map { ($0.id, histogram) }))
        #expect(html.contains("Latency per message by percentile"), "the stream cell's spectrum")
        #expect(html.contains("<th class=\"left\">counts</th>") && html.contains("streams/s"))
        #expect(ReportCharts.perMessage([summary.cells[0]]).isEmpty)
        #expect(ReportCharts.perMessage(summary.cells).isEmpty, "a group mixing calls and messages says neither")
    }
}
