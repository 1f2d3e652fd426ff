import Foundation
import Metrics
import Testing

@testable import Report

@Suite struct HTMLReportTests {
    static func count(_ text: String, _ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The figures (charts) of one kind, as text.
    static func figures(_ html: String, kind: String) -> [String] {
        html.components(separatedBy: "<figure class=\"plot\" data-kind=\"\(kind)\">").dropFirst()
            .map { String($0.components(separatedBy: "</figure>")[0]) }
    }

    @Test func everyChartHasOnePathPerSystem() {
        let (run, histograms) = Fixtures.chartedRun()
        let html = HTMLReport.render(run, histograms: histograms)
        let spectra = Self.figures(html, kind: "spectrum")
        let scaling = Self.figures(html, kind: "scaling")
        let series = Self.figures(html, kind: "timeseries")
        #expect(spectra.count == 2)  // one per connection count
        #expect(scaling.count == 3)  // req/s, p99, mem/conn against connections
        #expect(series.count == 8)  // four figures for each of the two counts
        for figure in spectra + scaling + series {
            #expect(Self.count(figure, "<path class=\"series\"") == 2)
            #expect(figure.contains("data-series=\"builtin\"") && figure.contains("data-series=\"grpc-go\""))
        }
        // One colour per system everywhere, the table's swatch included.
        #expect(!html.contains("stroke=\"#D55E00\" stroke-width=\"2\" data-series=\"builtin\""))
        for figure in spectra + scaling + series {
            let builtin = figure.components(separatedBy: "data-series=\"builtin\"")[1].components(separatedBy: "/>")[0]
            #expect(builtin.contains("stroke=\"#0072B2\""))
        }
        #expect(html.contains("<span class=\"swatch\" style=\"background:#D55E00\"></span>grpc-go"))
    }

    @Test func theTimeSeriesChartsShowTheSpikeAndTheGrowth() throws {
        let (run, histograms) = Fixtures.chartedRun()
        let html = HTMLReport.render(run, histograms: histograms)
        let series = Self.figures(html, kind: "timeseries")
        let p99 = try #require(series.first { $0.contains("p99 latency per second — 10 connections") })
        #expect(p99.contains("<title>builtin at 2 s: 40.00ms</title>"))
        let rss = try #require(series.first { $0.contains("Server RSS — 10 connections") })
        #expect(rss.contains("server RSS (MiB)"))
        #expect(rss.contains("<title>builtin at 4 s: 24.0 MiB</title>"))
    }

    @Test func thePageIsSelfContainedAndPrintable() {
        let (run, histograms) = Fixtures.chartedRun()
        let html = HTMLReport.render(run, histograms: histograms)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Nothing fetched: no external script, style sheet, image or font.
        #expect(
            !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import")
                && !html.contains("url("))
        #expect(html.contains("break-inside:avoid"))
        #expect(html.contains("<section id=\"comparison\">"))
        #expect(html.contains("Barrage report: charted"))
    }

    @Test func failedCellsAreListedWithTheirReasonAndMarksShow() throws {
        let run = Fixtures.run()
        let html = HTMLReport.render(run, histograms: [:])
        #expect(html.contains("<section id=\"failed\">"))
        #expect(
            html.contains(
                "<strong>other-server c1000 r1</strong> <span class=\"status-failed\">failed</span>: "
                    + "<code>server exited with status 1 before ready</code>"))
        #expect(html.contains("<tr class=\"not-ok\">"))
        // The saturated cell's limit is the client, as the terminal's limit column says.
        #expect(html.contains("<td class=\"left\">client</td>"))
        #expect(html.contains("limit: server-cpu = the server used"))
        // Without histograms or time series the sections say why they are empty.
        #expect(html.contains("No latency histograms in nodes/"))
        #expect(html.contains("has no per-second figures"))
        // A cell whose generator fell behind: its spectrum line carries the table's mark in its legend, not in its name.
        var late = run
        late.cells[1].clients.lateSends = 12_000  // 8 % of its 150,000 sends
        #expect(HTMLReport.render(late, histograms: [:]).contains("<td class=\"left mark\">late</td>"))
        let marked = HTMLReport.render(late, histograms: ["builtin-c100-r1": Fixtures.histogram([100, 200, 400], count: 100)])
        let spectrum = try #require(Self.figures(marked, kind: "spectrum").first)
        #expect(spectrum.contains(">builtin late</text>"))
        #expect(spectrum.contains("data-series=\"builtin\""))
    }

    @Test func hostsAndVersionsShowWhenTheSummaryCarriesThem() throws {
        var run = Fixtures.run()
        #expect(!HTMLReport.header(run).contains("<h3>Hosts</h3>") && !HTMLReport.header(run).contains("<h3>Systems</h3>"))
        run.hosts = [
            HostFacts(
                name: "local", hostname: "bench-1", kernel: "6.1.0", cpuModel: "", cores: 2,
                memoryBytes: 25_769_803_776)
        ]
        run.systems = [SystemVersions(name: "grpc-go", container: "grpc-go", versions: ["grpc-go": "1.33.3", "go": "1.19.8"])]
        run.barrageCommit = "abc1234"
        run.topologySHA256 = "5d41402abc4b2a76"
        // Through summary.json and back, as `barrage report` reads it.
        let decoded = try JSONDecoder().decode(RunSummary.self, from: ReportRenderer.encodeJSON(run))
        let html = HTMLReport.header(decoded)
        // A CPU model the host did not report is a dash.
        #expect(
            html.contains(
                "<td class=\"left\">bench-1</td><td class=\"left\">-</td><td class=\"left\">2</td>"
                    + "<td class=\"left\">24.0 GiB</td><td class=\"left\">6.1.0</td>"))
        #expect(html.contains("go 1.19.8, grpc-go 1.33.3"))
        #expect(html.contains("0.1.0 (commit abc1234)"))
        #expect(html.contains("<code>5d41402abc4b2a76</code>"))
    }

    @Test func theTableSectionShowsTheTerminalsSLOMissesCapacityAndDecision() throws {
        let run = CapacityReportTests().run()
        let html = HTMLReport.render(run, histograms: [:])
        let comparison = Comparison(run)
        #expect(!comparison.sloMisses.isEmpty && !comparison.capacity.isEmpty && !comparison.decision.isEmpty)
        let section = try #require(
            html.components(separatedBy: "<section id=\"comparison\">").dropFirst().first?
                .components(separatedBy: "</section>").first)
        // The limit column is one of the table's columns, with the terminal's words.
        #expect(section.contains("<th class=\"left\">limit</th>"))
        #expect(section.contains("<p class=\"slo-missed\">slo missed:</p>"))
        #expect(section.contains("<li>latency py cpus1 c100 1000/s r1: p99 71.2ms &gt; 50ms</li>"))
        // The blocks are the terminal's lines, escaped, not a second computation.
        #expect(
            section.contains(
                "<pre class=\"block capacity\">"
                    + comparison.capacity.map(HTMLText.escape).joined(separator: "\n") + "</pre>"))
        #expect(
            section.contains(
                "<pre class=\"block decision\">"
                    + comparison.decision.map(HTMLText.escape).joined(separator: "\n") + "</pre>"))
        #expect(section.contains("cores for 10,000/s at the SLO, go: 2"))
        // Without any of them, none of the three shows.
        let plain = HTMLReport.render(Fixtures.run(), histograms: [:])
        #expect(!plain.contains("<p class=\"slo-missed\"") && !plain.contains("<pre class=\"block"))
    }

    @Test func scalingCurvesTakeTheMedianOfTheOkRepeats() throws {
        let sets = ScalingSeries.all(Fixtures.sweep().cells)
        // Only connections vary in these cells; cpus, rate and replicas are not in them.
        #expect(sets.map(\.dimension) == [.connections])
        let lines = try #require(sets.first).lines
        #expect(lines.map(\.system) == ["builtin", "other"])
        #expect(lines.allSatisfy { $0.points.map(\.x) == [100, 1_000, 10_000] })
        // other at 1,000: repeat 2 failed, so the median of 60,000 and 61,000 (the lower middle).
        let other = lines[1].points[1].cells
        #expect(other.cells.count == 2)
        #expect(other.spread(of: \.requestsPerSecond)?.median == 60_000)
        let charts = ReportCharts.scaling(sets, palette: SystemPalette(["builtin", "other"]))
        #expect(
            charts.map { $0.chart.title.components(separatedBy: " — ")[0] }
                == ["Throughput", "p99 latency", "Server memory per connection"])
        // p99 from 1.2 ms to 40 ms spans over 20×: a log axis.
        #expect(charts[1].chart.yAxis.scale == .log)
        #expect(charts[0].chart.xAxis.scale == .log)
    }
}

@Suite struct CapacityChartTests {
    @Test func capacityEntriesDrawTheirTrials() throws {
        func trial(_ rate: Double, _ p99: UInt64, met: Bool) -> CapacityTrial {
            CapacityTrial(ratePerSecond: rate, p99Microseconds: p99, errors: 0, met: met, valid: true)
        }
        let entries = [
            CapacityEntry(
                cell: "capacity-builtin-c1000", scenario: "capacity", system: "builtin", cpus: nil, connections: 1_000,
                ratePerSecond: 40_000, confirmed: true, limitedByGenerator: false, note: nil,
                trials: [trial(10_000, 900, met: true), trial(80_000, 90_000, met: false), trial(40_000, 30_000, met: true)]),
            CapacityEntry(
                cell: "capacity-grpc-go-c1000", scenario: "capacity", system: "grpc-go", cpus: nil, connections: 1_000,
                ratePerSecond: 0, confirmed: false, limitedByGenerator: false, note: nil,
                trials: [trial(1_000, 80_000, met: false)]),
            CapacityEntry(
                cell: "capacity-grpc-go-cpus2-c1000", scenario: "capacity", system: "grpc-go", cpus: 2, connections: 1_000,
                ratePerSecond: 9_000, confirmed: true, limitedByGenerator: false, note: nil,
                trials: [trial(9_000, 20_000, met: true)])
        ]
        #expect(
            entries.map(\.heading)
                == ["capacity, 1,000 connections", "capacity, 1,000 connections", "capacity, 1,000 connections, cpus 2"])
        let charts = ReportCharts.capacity(entries, palette: SystemPalette(["builtin", "grpc-go"]))
        #expect(charts.count == 2)
        let chart = try #require(charts.first).chart
        #expect(chart.series.map(\.name) == ["builtin", "grpc-go"])
        // Trials by ascending rate, whatever order the search tried them in.
        #expect(chart.series[0].points.map(\.x) == [10_000, 40_000, 80_000])
        #expect(chart.series[0].points[2].note == "builtin at 80,000.0 req/s: p99 90.00ms, missed")
        #expect(chart.xAxis.scale == .log)
        var run = Fixtures.run()
        run.capacity = entries
        #expect(HTMLReport.render(run, histograms: [:]).contains("<section id=\"capacity\">"))
        // A summary without capacity: no section.
        #expect(!HTMLReport.render(Fixtures.run(), histograms: [:]).contains("id=\"capacity\""))
    }
}
