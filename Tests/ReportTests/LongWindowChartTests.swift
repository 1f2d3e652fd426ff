import Metrics
import Testing

@testable import Report

/// A day-long window is drawn in spans, its spikes kept; the data itself keeps every second.
@Suite struct LongWindowChartTests {
    @Test func spansCoverEverySecondOnceWithinThePointBudget() {
        #expect(TimeSeriesSpan.drawn(0).isEmpty)
        #expect(TimeSeriesSpan.drawn(5) == [0..<1, 1..<2, 2..<3, 3..<4, 4..<5])
        let day = TimeSeriesSpan.drawn(86_400)
        #expect(day.count <= TimeSeriesSpan.maximumPoints)
        #expect(day.first?.lowerBound == 0 && day.last?.upperBound == 86_400)
        #expect(zip(day, day.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    @Test func aDayOfSecondsIsDrawnInSpansThatKeepTheSpikeAndTheMeanRate() throws {
        var cell = Fixtures.cell("builtin", 10, rate: 1_000)
        cell.timeseries = (0..<86_400).map { second in
            TimeSeriesPoint(
                tSeconds: second, requests: second.isMultiple(of: 2) ? 900 : 1_100, errors: 0, p50Microseconds: 100,
                p99Microseconds: second == 50_000 ? 2_000_000 : 1_000, serverCPUPercent: nil, serverRSSBytes: nil)
        }
        let charts = ReportCharts.timeSeries([cell], palette: SystemPalette(["builtin"]))
        let requests = try #require(charts.first { $0.chart.title.hasPrefix("Requests per second") }?.chart)
        let latency = try #require(charts.first { $0.chart.title.hasPrefix("p99 latency") }?.chart)
        let requestPoints = try #require(requests.series.first?.points)
        let latencyPoints = try #require(latency.series.first?.points)
        #expect(requestPoints.count <= TimeSeriesSpan.maximumPoints && requestPoints.count > 700)
        #expect(requestPoints.allSatisfy { $0.y == 1_000 }, "each span's mean of 900 and 1,100 a second")
        #expect(latencyPoints.map(\.y).max() == 2_000_000, "the one slow second stays visible")
        #expect(latencyPoints.filter { $0.y == 2_000_000 }.count == 1)
        #expect(latencyPoints[1].note?.contains("120–239 s, highest second") == true, "\(latencyPoints[1].note ?? "")")
    }

    @Test func aShortWindowIsStillDrawnSecondBySecond() throws {
        var cell = Fixtures.cell("builtin", 10, rate: 10_000)
        cell.timeseries = Fixtures.timeseries(seconds: 5)
        let charts = ReportCharts.timeSeries([cell], palette: SystemPalette(["builtin"]))
        let latency = try #require(charts.first { $0.chart.title.hasPrefix("p99 latency") }?.chart)
        #expect(latency.series.first?.points.map(\.y) == [1_200, 1_200, 40_000, 1_200, 1_200])
        #expect(latency.series.first?.points[2].note == "builtin at 2 s: 40.00ms")
    }
}
