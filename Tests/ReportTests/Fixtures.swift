import Metrics

@testable import Report

/// Small hand-made node results and summaries, with round numbers so expectations read plainly.
enum Fixtures {
    static func record(
        system: String = "builtin", connections: Int = 100, repeatIndex: Int = 1,
        status: CellStatus = .ok, error: String? = nil, workers: Int = 2
    ) -> CellRecord {
        CellRecord(
            id: "\(system)-c\(connections)-r\(repeatIndex)", index: 0, system: system,
            connections: connections, repeatIndex: repeatIndex, status: status, error: error,
            clientWorkers: workers)
    }

    /// A histogram holding `count` copies of each of `latencies`.
    static func histogram(_ latencies: [UInt64], count: UInt64 = 1) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for latency in latencies { histogram.record(microseconds: latency, count: count) }
        return histogram
    }

    static func client(
        node: String, host: String = "local", threads: Int = 1, windowMs: UInt64 = 10_000,
        requests: UInt64, errors: [String: UInt64] = [:], latencies: [UInt64] = [100],
        cpuSeconds: Double, rss: UInt64 = 50 << 20, established: Int = 50,
        lateSends: UInt64 = 0
    ) -> ClientNodeResult {
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
            ResourceSample(
                timeMs: UInt64(second) * 1_000, cpuSeconds: Double(second) * 0.5,
                rssBytes: second == 1 ? 300 << 20 : 100 << 20, threads: 8)
        }
        return ServerNodeResult(
            node: "server", host: "local", samples: samples,
            window: MeasurementWindow(startMs: 5_000, endMs: 15_000), idleRssBytes: idleRss)
    }

    /// A two-cell run: one ok and saturated at 100 connections, one failed at 1,000.
    static func run() -> RunSummary {
        let ok = CellAggregator.summarize(
            record: record(), servers: [server()],
            clients: [
                client(node: "client-1", requests: 100_000, cpuSeconds: 9.5),
                client(node: "client-2", requests: 50_000, latencies: [2_500], cpuSeconds: 2)
            ])
        let failed = CellAggregator.summarize(
            record: record(
                system: "other-server", connections: 1_000, status: .failed,
                error: "server exited with status 1 before ready"),
            servers: [], clients: [])
        return RunSummary(
            barrage: "0.1.0", topology: "quick-local", started: "2026-11-25T08:00:00Z",
            status: .failed, cells: [failed, ok])
    }

    /// A cell built directly with the figures the comparison shows, for repeat and sweep tests.
    static func cell(
        _ system: String, _ connections: Int, repeat repeatIndex: Int = 1, status: CellStatus = .ok,
        rate: Double, p50: UInt64 = 1_000, p99: UInt64 = 5_000, memoryPerConnection: UInt64? = nil,
        lateSends: UInt64 = 0, saturated: Bool = false
    ) -> CellSummary {
        var latency = LatencySummary(LatencyHistogram())
        latency.p50 = p50
        latency.p99 = p99
        latency.p999 = p99 * 2
        return CellSummary(
            id: "\(system)-c\(connections)-r\(repeatIndex)", system: system, connections: connections,
            repeatIndex: repeatIndex, status: status, error: status == .ok ? nil : "client-1 exited",
            durationSeconds: 10, requests: UInt64(rate * 10), errors: 0, errorsByKind: [:],
            requestsPerSecond: rate, latency: latency,
            server: ServerFigures(
                ResourceFigures(
                    cpuPercent: 100, rssPeakBytes: 64 << 20, rssSustainedBytes: 60 << 20,
                    threadsPeak: 4),
                idleRssBytes: memoryPerConnection.map { _ in 20 << 20 },
                memoryPerConnectionBytes: memoryPerConnection),
            clients: ClientFigures(
                workers: 1, connectionsEstablished: connections, cpuPercent: 50, rssPeakBytes: 1 << 20,
                saturated: saturated, hosts: [], lateSends: lateSends))
    }

    /// Two systems × connections 100, 1,000, 10,000 × 3 repeats, in run order (system, count, repeat).
    /// `builtin` scales up then falls; `other` one repeat failed at 1,000.
    static func sweep() -> RunSummary {
        let rates: [String: [Int: [Double]]] = [
            "builtin": [100: [95_000, 94_000, 96_500], 1_000: [120_000, 119_000, 125_000], 10_000: [80_000, 82_000, 79_000]],
            "other": [100: [50_000, 51_000, 49_000], 1_000: [60_000, 0, 61_000], 10_000: [30_000, 31_000, 29_500]]
        ]
        let p99s: [Int: UInt64] = [100: 1_200, 1_000: 3_400, 10_000: 40_000]
        let memory: [Int: UInt64] = [100: 40_000, 1_000: 14_000, 10_000: 10_000]
        var cells: [CellSummary] = []
        for system in ["builtin", "other"] {
            for connections in [100, 1_000, 10_000] {
                for (index, rate) in rates[system]![connections]!.enumerated() {
                    let failed = rate == 0
                    cells.append(
                        cell(
                            system, connections, repeat: index + 1, status: failed ? .failed : .ok,
                            rate: rate, p50: p99s[connections]! / 4, p99: p99s[connections]! + UInt64(index) * 100,
                            memoryPerConnection: system == "builtin" ? memory[connections]! + UInt64(index) * 512 : nil,
                            lateSends: system == "other" && connections == 10_000 && index == 2 ? 4_321 : 0))
                }
            }
        }
        return RunSummary(barrage: "0.1.0", topology: "sweep", started: "2026-11-25T08:00:00Z", status: .failed, cells: cells)
    }
}
