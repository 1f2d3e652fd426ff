import Metrics
import Testing

@testable import Report

/// `timeseries`: client intervals added by number, server CPU and RSS per second of its window.
@Suite struct TimeSeriesBuilderTests {
    /// An interval of `requests` successes, each taking `latency` µs.
    static func interval(_ requests: UInt64, latency: UInt64, errors: UInt64 = 0) -> IntervalCounts {
        IntervalCounts(requests: requests, errors: errors, histogram: Fixtures.histogram([latency], count: requests))
    }

    /// A client whose window opened at `startMs` on its own clock and lasted `windowMs`.
    static func client(_ node: String, startMs: UInt64, windowMs: UInt64, _ intervals: [IntervalCounts]) -> ClientNodeResult {
        var client = Fixtures.client(
            node: node, windowMs: windowMs, requests: intervals.map(\.requests).reduce(0, +),
            cpuSeconds: 1)
        client.window = MeasurementWindow(startMs: startMs, endMs: startMs + windowMs)
        client.intervals = intervals
        return client
    }

    /// Samples every 100 ms from `fromMs` for `seconds`: `busy(second)` cores busy in each
    /// second, RSS 10 MiB + 1 MiB per second.
    static func server(windowStartMs: UInt64, seconds: Int, busy: (Int) -> Double) -> ServerNodeResult {
        var samples: [ResourceSample] = []
        var cpu = 0.0
        for tick in 0...(seconds * 10) {
            let second = tick / 10
            if tick > 0 { cpu += busy((tick - 1) / 10) * 0.1 }
            samples.append(
                ResourceSample(
                    timeMs: windowStartMs + UInt64(tick) * 100, cpuSeconds: cpu,
                    rssBytes: UInt64(10 + second) << 20, threads: 2))
        }
        return ServerNodeResult(
            node: "server", host: "local", samples: samples,
            window: MeasurementWindow(startMs: windowStartMs, endMs: windowStartMs + UInt64(seconds) * 1000))
    }

    @Test func clientsAreAddedByIntervalNumberWhateverTheirHostClocks() {
        // Two hosts whose monotonic clocks are hours apart: interval numbers line them up.
        let a = Self.client(
            "client-1", startMs: 5_000, windowMs: 3_000,
            [Self.interval(100, latency: 100), Self.interval(100, latency: 100), Self.interval(100, latency: 100)])
        let b = Self.client(
            "client-2", startMs: 9_000_000, windowMs: 3_001,
            [Self.interval(50, latency: 900, errors: 2), Self.interval(50, latency: 900), Self.interval(50, latency: 900)])
        let series = TimeSeriesBuilder.series(clients: [a, b], servers: [])
        #expect(series.map(\.tSeconds) == [0, 1, 2])
        #expect(series.map(\.requests) == [150, 150, 150])
        #expect(series.map(\.errors) == [2, 0, 0])
        // Percentiles of the added histograms: two thirds at 100 µs, one third at 900 µs.
        #expect(series.allSatisfy { $0.p50Microseconds == 100 })
        #expect(series.allSatisfy { $0.p99Microseconds == 900 })
        #expect(series.allSatisfy { $0.serverCPUPercent == nil && $0.serverRSSBytes == nil })
    }

    @Test func aStalledSecondShows() {
        // 1,000 requests a second at 200 µs, but the server froze in second 2: 20 requests,
        // each waiting out the stall, then the backlog at ~50 ms.
        var intervals = (0..<5).map { _ in Self.interval(1_000, latency: 200) }
        intervals[2] = Self.interval(20, latency: 480_000)
        intervals[3].add(Self.interval(200, latency: 50_000))
        let series = TimeSeriesBuilder.series(
            clients: [Self.client("client-1", startMs: 0, windowMs: 5_000, intervals)],
            servers: [Self.server(windowStartMs: 70_000, seconds: 5) { $0 == 2 ? 0 : 0.8 }])
        #expect(series.count == 5)
        #expect(series[2].requests == 20)
        #expect(series[2].p50Microseconds >= 479_000)
        #expect(series.filter { $0.tSeconds != 2 }.allSatisfy { $0.requests >= 1_000 })
        #expect(series[3].p99Microseconds >= 49_000)
        #expect(series[1].p99Microseconds < 300)
        // The server's CPU fell to nothing in the same second.
        #expect(abs((series[2].serverCPUPercent ?? -1) - 0) < 1e-6)
        #expect(abs((series[1].serverCPUPercent ?? -1) - 80) < 1e-6)
    }

    @Test func aSecondWithNothingInItIsAZeroPoint() {
        // The worker counted nothing in second 1 (its interval series has a hole).
        let client = Self.client(
            "client-1", startMs: 0, windowMs: 3_000,
            [Self.interval(10, latency: 100), IntervalCounts(), Self.interval(10, latency: 100)])
        let series = TimeSeriesBuilder.series(clients: [client], servers: [])
        #expect(series.map(\.requests) == [10, 0, 10])
        #expect(series[1].p50Microseconds == 0 && series[1].p99Microseconds == 0)
        // A worker that stalled to the end has a shorter series; its window still counts.
        let short = Self.client("client-1", startMs: 0, windowMs: 3_000, [Self.interval(10, latency: 100)])
        #expect(TimeSeriesBuilder.series(clients: [short], servers: []).map(\.requests) == [10, 0, 0])
    }

    @Test func theSliverAfterTheLastWholeSecondCountsInTheLastSecond() {
        // A 3.004 s window: what completed in its last 4 ms is interval 3, folded into second 2.
        let client = Self.client(
            "client-1", startMs: 0, windowMs: 3_004,
            [
                Self.interval(10, latency: 100), Self.interval(10, latency: 100),
                Self.interval(10, latency: 100), Self.interval(3, latency: 100)
            ])
        #expect(TimeSeriesBuilder.series(clients: [client], servers: []).map(\.requests) == [10, 10, 13])
    }

    @Test func serverFiguresArePerSecondOfTheServersOwnWindow() {
        let server = Self.server(windowStartMs: 1_000_000, seconds: 3) { Double($0 + 1) * 0.5 }
        let client = Self.client("client-1", startMs: 42, windowMs: 3_000, (0..<3).map { _ in Self.interval(1, latency: 1) })
        let series = TimeSeriesBuilder.series(clients: [client], servers: [server])
        let cpu = series.map { $0.serverCPUPercent ?? -1 }
        #expect(zip(cpu, [50.0, 100, 150]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(cpu)")
        // RSS at the end of each second: the sample taken then (10 MiB + 1 MiB per second).
        #expect(series.map(\.serverRSSBytes) == [11 << 20, 12 << 20, 13 << 20])
    }

    @Test func aServerWithoutAWindowLeavesItsFiguresUnknown() {
        var server = Self.server(windowStartMs: 0, seconds: 2) { _ in 1 }
        server.window = nil
        let client = Self.client(
            "client-1", startMs: 0, windowMs: 2_000, [Self.interval(1, latency: 1), Self.interval(1, latency: 1)])
        let series = TimeSeriesBuilder.series(clients: [client], servers: [server])
        #expect(series.count == 2)
        #expect(series.allSatisfy { $0.serverCPUPercent == nil && $0.serverRSSBytes == nil })
    }

    @Test func aNodeFileFromBeforeIntervalsAddsNoSeconds() {
        let old = Fixtures.client(node: "client-1", requests: 500, cpuSeconds: 1)
        #expect(TimeSeriesBuilder.series(clients: [old], servers: []).isEmpty)
        #expect(CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [old]).timeseries.isEmpty)
    }
}
