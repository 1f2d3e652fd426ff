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
        #expect(spectra.count == 2)   // one per connection count
        #expect(scaling.count == 3)   // req/s, p99, mem/conn against connections
        #expect(series.count == 8)    // four figures for each of the two counts
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
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import")
                && !html.contains("url("))
        #expect(html.contains("break-inside:avoid"))
        #expect(html.contains("<section id=\"comparison\">"))
        #expect(html.contains("Barrage report: charted"))
    }

    @Test func failedCellsAreListedWithTheirReasonAndMarksShow() throws {
        let run = Fixtures.run()
        let html = HTMLReport.render(run, histograms: [:])
        #expect(html.contains("<section id=\"failed\">"))
        #expect(html.contains("<strong>other-server c1000 r1</strong> <span class=\"status-failed\">failed</span>: "
                              + "<code>server exited with status 1 before ready</code>"))
        #expect(html.contains("<tr class=\"not-ok\">"))
        #expect(html.contains("<td class=\"left mark\">*</td>"))
        #expect(html.contains("client saturated"))
        // Without histograms or time series the sections say why they are empty.
        #expect(html.contains("No latency histograms in nodes/"))
        #expect(html.contains("has no per-second figures"))
        // The saturated cell's spectrum line carries the table's mark in its legend, not in its name.
        let marked = HTMLReport.render(run, histograms: ["builtin-c100-r1": Fixtures.histogram([100, 200, 400], count: 100)])
        let spectrum = try #require(Self.figures(marked, kind: "spectrum").first)
        #expect(spectrum.contains(">builtin *</text>"))
        #expect(spectrum.contains("data-series=\"builtin\""))
    }

    @Test func hostsAndVersionsShowWhenTheSummaryCarriesThem() throws {
        // A summary decoded from JSON that has the provenance keys is re-encoded without them
        // until RunSummary carries them; the decoder side is what this checks.
        let json = """
            {"hosts":[{"name":"local","hostname":"bench-1","kernel":"6.1.0","cpu_model":"EPYC","cores":2,"memory_bytes":25769803776}],
             "systems":[{"name":"grpc-go","container":"grpc-go","versions":{"grpc-go":"1.33.3","go":"1.19.8"}}],
             "barrage_commit":"abc1234"}
            """
        let provenance = try JSONDecoder().decode(RunProvenance.self, from: Data(json.utf8))
        let html = HTMLReport.header(Fixtures.run(), provenance)
        #expect(html.contains("<td class=\"left\">bench-1</td><td class=\"left\">EPYC</td><td class=\"left\">2</td>"
                              + "<td class=\"left\">24.0 GiB</td><td class=\"left\">6.1.0</td>"))
        #expect(html.contains("go 1.19.8, grpc-go 1.33.3"))
        #expect(html.contains("0.1.0 (commit abc1234)"))
        #expect(RunProvenance(Fixtures.run()) == RunProvenance())
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
        #expect(charts.map { $0.chart.title.components(separatedBy: " — ")[0] }
                == ["Throughput", "p99 latency", "Server memory per connection"])
        // p99 from 1.2 ms to 40 ms spans over 20×: a log axis.
        #expect(charts[1].chart.yAxis.scale == .log)
        #expect(charts[0].chart.xAxis.scale == .log)
    }
}

@Suite struct CapacityChartTests {
    @Test func capacityEntriesDecodeAndDrawTheirTrials() throws {
        let json = """
            {"capacity":[
              {"scenario":"capacity","system":"builtin","replicas":1,"cpus":null,"connections":1000,"rate_per_second":40000,
               "per_core_rate_per_second":20000,"confirmed":true,"limited_by_generator":false,
               "trials":[{"rate_per_second":10000,"p99_us":900,"errors":0,"met":true,"valid":true},
                         {"rate_per_second":80000,"p99_us":90000,"errors":0,"met":false,"valid":true},
                         {"rate_per_second":40000,"p99_us":30000,"errors":0,"met":true,"valid":true}]},
              {"scenario":"capacity","system":"grpc-go","connections":1000,"rate_per_second":null,"confirmed":false,
               "trials":[{"rate_per_second":1000,"p99_us":80000,"met":false,"valid":true}]}]}
            """
        struct Document: Decodable { var capacity: [CapacityResult] }
        let results = try JSONDecoder().decode(Document.self, from: Data(json.utf8)).capacity
        #expect(results.map(\.heading) == ["capacity, 1,000 connections", "capacity, 1,000 connections"])
        let charts = ReportCharts.capacity(results, palette: SystemPalette(["builtin", "grpc-go"]))
        #expect(charts.count == 1)
        let chart = try #require(charts.first).chart
        #expect(chart.series.map(\.name) == ["builtin", "grpc-go"])
        // Trials by ascending rate, whatever order the search tried them in.
        #expect(chart.series[0].points.map(\.x) == [10_000, 40_000, 80_000])
        #expect(chart.xAxis.scale == .log)
        let table = HTMLReport.capacityTable(results, SystemPalette(["builtin", "grpc-go"]))
        #expect(table.contains("<td>40,000.0</td><td>20,000.0</td><td class=\"left\">yes</td><td class=\"left\">kept up</td><td>3</td>"))
        #expect(table.contains("none met the SLO"))
        // Today's summaries carry no capacity: no section.
        #expect(CapacityResult.all(in: Fixtures.run()).isEmpty)
        #expect(!HTMLReport.render(Fixtures.run(), histograms: [:]).contains("id=\"capacity\""))
    }
}
