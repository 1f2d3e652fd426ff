import Metrics
import Testing

@testable import Report

/// The running cell's figures: what report.html's live section and `--metrics` show.
struct LiveFiguresTests {
    static func second(_ t: Int, requests: UInt64, latency: UInt64, errors: [String: UInt64] = [:]) -> ClientInterval {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: latency, count: requests)
        return ClientInterval(
            second: t, counts: IntervalCounts(requests: requests, errors: errors.values.reduce(0, +), histogram: histogram),
            errorsByKind: errors)
    }

    @Test func aSecondCountsOnceEveryClientSentIt() {
        var live = LiveCell(id: "c", system: "builtin", clients: ["client-1", "client-2"])
        live.add(Self.second(0, requests: 10, latency: 100), from: "client-1")
        #expect(live.points.isEmpty, "client-2's second 0 is still missing")
        live.add(Self.second(1, requests: 10, latency: 100), from: "client-1")
        live.add(Self.second(1, requests: 5, latency: 900, errors: ["timeout": 1]), from: "client-2")
        live.add(Self.second(0, requests: 5, latency: 100), from: "client-2")
        #expect(live.points.map(\.tSeconds) == [0, 1], "in order though they completed out of order")
        #expect(live.points.map(\.requests) == [15, 15])
        #expect(live.points[1].errors == 1)
        #expect(live.requests == 30)
        #expect(live.errorsByKind == ["timeout": 1])
        #expect(live.recentHistogram.count == 30)
        live.add(Self.second(0, requests: 99, latency: 1), from: "client-9")
        #expect(live.requests == 30, "a node not in the cell is ignored")
    }

    /// Each second is bounded on the wire (`FigureBounds`), but a confused worker may send its
    /// largest second, second after second, without end: the live figures saturate instead of
    /// trapping the coordinator (the errors' sum trapped after 2,048 such seconds, the
    /// histogram's percentiles after 1,024).
    @Test func aWorkerSendingItsLargestSecondWithoutEndCannotTrapTheLiveCell() {
        var live = LiveCell(id: "c", system: "builtin", clients: ["client-1"])
        var histogram = LatencyHistogram()
        // The most latency one second may carry on the wire: count × 2 × value = 2^54.
        histogram.record(microseconds: 1_000, count: FigureBounds.maximumLatencySumMicroseconds / 2_048)
        for t in 0..<3_000 {
            let largest = ClientInterval(
                second: t,
                counts: IntervalCounts(
                    requests: FigureBounds.maximumCount, errors: FigureBounds.maximumCount, histogram: histogram),
                errorsByKind: ["timeout": FigureBounds.maximumCount - 1, "UNAVAILABLE": 1])
            live.add(largest, from: "client-1")
        }
        #expect(live.points.count == 3_000)
        #expect(live.requests == FigureBounds.maximumCount)
        #expect(live.errors == FigureBounds.maximumCount)
        #expect(live.histogram.count <= FigureBounds.maximumCount)
        #expect(live.recentHistogram.value(atPercentile: 99) >= 1_000)
        #expect(live.summary.latency.p99 >= 1_000)
    }

    /// A worker that sends a second twice (a bug, or a replayed message) neither completes that
    /// second before the other clients sent theirs nor counts its calls twice.
    @Test func aSecondSentTwiceCountsOnce() {
        var live = LiveCell(id: "c", system: "builtin", clients: ["client-1", "client-2"])
        live.add(Self.second(0, requests: 10, latency: 100), from: "client-1")
        live.add(Self.second(0, requests: 10, latency: 100), from: "client-1")
        #expect(live.points.isEmpty, "client-2's second 0 is still missing")
        #expect(live.requests == 10)
        live.add(Self.second(0, requests: 5, latency: 100), from: "client-2")
        #expect(live.points.map(\.requests) == [15])
        live.add(Self.second(0, requests: 5, latency: 100), from: "client-2")
        live.add(Self.second(0, requests: 10, latency: 100), from: "client-1")
        #expect(live.points.map(\.requests) == [15], "a whole second stays whole")
        #expect(live.requests == 15)
        #expect(live.histogram.count == 15)
    }

    @Test func theRecentQuantilesCoverTheLastSecondsOnly() {
        var live = LiveCell(id: "c", system: "builtin", clients: ["client-1"])
        for t in 0..<(LiveCell.recentSeconds + 5) {
            live.add(Self.second(t, requests: 100, latency: t < 5 ? 50_000 : 200), from: "client-1")
        }
        #expect(live.recentHistogram.count == UInt64(LiveCell.recentSeconds) * 100)
        #expect(live.recentHistogram.max < 1_000, "the slow first seconds have left the recent window")
        #expect(live.histogram.max >= 49_000, "the window so far keeps them")
    }

    @Test func serverCPUComesFromTheLatestTwoSamples() {
        var live = LiveCell(id: "c", system: "builtin", clients: [])
        #expect(live.serverCPUCores == nil && live.serverRSSBytes == nil)
        live.add([ResourceSample(timeMs: 1_000, cpuSeconds: 1.0, rssBytes: 10, threads: 1)], from: "server")
        #expect(live.serverCPUCores == nil, "one sample says nothing about a rate")
        live.add([ResourceSample(timeMs: 1_500, cpuSeconds: 1.25, rssBytes: 30, threads: 1)], from: "server")
        #expect(live.serverCPUCores == 0.5)
        #expect(live.serverRSSBytes == 30)
    }

    @Test func theOpenMetricsTextNamesEveryFamilyAndEndsWithEOF() {
        var live = LiveCell(id: "builtin-c10-r1", system: "builtin", clients: ["client-1"])
        live.add(Self.second(0, requests: 1_000, latency: 250, errors: ["timeout": 2, "UNAVAILABLE": 1]), from: "client-1")
        live.add([ResourceSample(timeMs: 0, cpuSeconds: 0, rssBytes: 1 << 20, threads: 1)], from: "server")
        live.add([ResourceSample(timeMs: 1_000, cpuSeconds: 0.3, rssBytes: 2 << 20, threads: 1)], from: "server")
        let text = OpenMetricsText.render(cells: [], live: live)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.last == "# EOF")
        #expect(text.hasSuffix("# EOF\n"))
        let labels = #"cell="builtin-c10-r1",system="builtin""#
        #expect(lines.contains("# TYPE barrage_requests counter"))
        #expect(lines.contains("barrage_requests_total{\(labels)} 1000"))
        #expect(lines.contains("barrage_errors_total{\(labels),kind=\"timeout\"} 2"))
        #expect(lines.contains("barrage_errors_total{\(labels),kind=\"UNAVAILABLE\"} 1"))
        #expect(lines.contains("# UNIT barrage_latency_seconds seconds"))
        #expect(lines.contains("barrage_latency_seconds{\(labels),quantile=\"0.5\"} 0.00025"))
        #expect(lines.contains("barrage_latency_seconds_count{\(labels)} 1000"))
        #expect(lines.contains("barrage_server_cpu_cores{\(labels)} 0.3"))
        #expect(lines.contains("barrage_server_rss_bytes{\(labels)} 2097152"))
        #expect(lines.contains("barrage_cell_running{\(labels)} 1"))
        // Each family's metadata comes before its samples, once.
        #expect(lines.filter { $0.hasPrefix("# TYPE barrage_requests ") }.count == 1)
        #expect(OpenMetricsText.escape("a\"b\\c\nd") == #"a\"b\\c\nd"#)
    }

    @Test func theLivePageReloadsAndShowsTheRunningCellAboveTheFinishedOnes() {
        var live = LiveCell(id: "builtin-c10-r1", system: "builtin", clients: ["client-1"])
        for t in 0..<3 { live.add(Self.second(t, requests: 100, latency: 300), from: "client-1") }
        let finished = HTMLReport.render(Fixtures.run(), histograms: [:])
        let page = HTMLReport.live(finished: finished, running: live, reloadSeconds: 10)
        #expect(page.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
        #expect(!finished.contains("http-equiv=\"refresh\""), "the page of a finished run does not reload")
        let liveAt = page.range(of: "Running now: builtin")
        let comparisonAt = page.range(of: "id=\"comparison\"")
        #expect(liveAt != nil && comparisonAt != nil && liveAt!.lowerBound < comparisonAt!.lowerBound)
        #expect(page.contains("3 s of the window so far: 300 calls"))
    }
}
