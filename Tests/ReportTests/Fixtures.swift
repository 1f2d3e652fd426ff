import Metrics
@testable import Report

/// Small hand-made node results and summaries, with round numbers so expectations read plainly.
enum Fixtures {
    static func record(system: String = "builtin", connections: Int = 100, repeatIndex: Int = 1,
                       status: CellStatus = .ok, error: String? = nil, workers: Int = 2) -> CellRecord {
        CellRecord(id: "\(system)-c\(connections)-r\(repeatIndex)", index: 0, system: system,
                   connections: connections, repeatIndex: repeatIndex, status: status, error: error,
                   clientWorkers: workers)
    }

    /// A histogram holding `count` copies of each of `latencies`.
    static func histogram(_ latencies: [UInt64], count: UInt64 = 1) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for latency in latencies { histogram.record(microseconds: latency, count: count) }
        return histogram
    }

    static func client(node: String, host: String = "local", threads: Int = 1, windowMs: UInt64 = 10_000,
                       requests: UInt64, errors: [String: UInt64] = [:], latencies: [UInt64] = [100],
                       cpuSeconds: Double, rss: UInt64 = 50 << 20, established: Int = 50,
                       lateSends: UInt64 = 0) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: host, connectionsAsked: 50, connectionsEstablished: established,
            connectFailures: [:], threads: threads,
            window: MeasurementWindow(startMs: 5_000, endMs: 5_000 + windowMs),
            requests: requests, errors: errors, histogram: histogram(latencies), cpuSeconds: cpuSeconds,
            rssPeakBytes: rss, lateSends: lateSends)
    }

    /// Sustained RSS 100 MiB over a 10 s window, a 300 MiB spike outside it.
    static func server(idleRss: UInt64? = nil) -> ServerNodeResult {
        let samples = (0...20).map { second in
            ResourceSample(timeMs: UInt64(second) * 1_000, cpuSeconds: Double(second) * 0.5,
                           rssBytes: second == 1 ? 300 << 20 : 100 << 20, threads: 8)
        }
        return ServerNodeResult(node: "server", host: "local", samples: samples,
                                window: MeasurementWindow(startMs: 5_000, endMs: 15_000), idleRssBytes: idleRss)
    }

    /// A two-cell run: one ok and saturated at 100 connections, one failed at 1,000.
    static func run() -> RunSummary {
        let ok = CellAggregator.summarize(
            record: record(), server: server(),
            clients: [client(node: "client-1", requests: 100_000, cpuSeconds: 9.5),
                      client(node: "client-2", requests: 50_000, latencies: [2_500], cpuSeconds: 2)])
        let failed = CellAggregator.summarize(
            record: record(system: "other-server", connections: 1_000, status: .failed,
                           error: "server exited with status 1 before ready"),
            server: nil, clients: [])
        return RunSummary(barrage: "0.1.0", topology: "quick-local", started: "2026-11-25T08:00:00Z",
                          status: .failed, cells: [failed, ok])
    }
}
