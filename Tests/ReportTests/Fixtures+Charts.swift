import Metrics

@testable import Report

extension Fixtures {
    /// A time series of `seconds` points: a steady rate, a p99 spike at second 2, RSS growing.
    static func timeseries(seconds: Int = 5, rate: UInt64 = 10_000) -> [TimeSeriesPoint] {
        (0..<seconds).map { second in
            TimeSeriesPoint(
                tSeconds: second, requests: rate, errors: 0, p50Microseconds: 400,
                p99Microseconds: second == 2 ? 40_000 : 1_200, serverCPUPercent: 95,
                serverRSSBytes: UInt64(20 + second) << 20)
        }
    }

    /// Two systems at 10 and 50 connections, each with a time series, and their histograms by cell id.
    static func chartedRun() -> (RunSummary, [String: LatencyHistogram]) {
        var cells: [CellSummary] = []
        var histograms: [String: LatencyHistogram] = [:]
        for connections in [10, 50] {
            for (system, rate) in [("builtin", 14_000.0), ("grpc-go", 7_500.0)] {
                var cell = Fixtures.cell(
                    system, connections, rate: rate * Double(connections) / 50,
                    memoryPerConnection: 20_000)
                cell.timeseries = timeseries(rate: UInt64(cell.requestsPerSecond))
                cells.append(cell)
                histograms[cell.id] = histogram(Array(stride(from: UInt64(100), through: 5_000, by: 7)), count: 10)
            }
        }
        return (
            RunSummary(barrage: "0.1.0", topology: "charted", started: "2026-12-01T20:00:00Z", status: .ok, cells: cells),
            histograms
        )
    }
}
