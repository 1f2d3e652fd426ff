import Metrics

@testable import Report

extension Fixtures {
    /// A replica's node file: `busy` cores of CPU over the 5–15 s window, a flat `rss` (a
    /// spike of `peak` at second 1, outside the window), on `host` with `allowance` cores.
    static func replica(
        _ number: Int, host: String, busy: Double, rss: UInt64 = 100 << 20, peak: UInt64? = nil,
        idle: UInt64? = nil, allowance: Double? = 1
    ) -> ServerNodeResult {
        let samples = (0...20).map { second in
            ResourceSample(
                timeMs: UInt64(second) * 1_000, cpuSeconds: Double(second) * busy,
                rssBytes: second == 1 ? (peak ?? rss) : rss, threads: 4)
        }
        return ServerNodeResult(
            node: "server-\(number)", host: host, samples: samples,
            window: MeasurementWindow(startMs: 5_000, endMs: 15_000), idleRssBytes: idle,
            cpuAllowanceCores: allowance)
    }

    /// A cell of `replicas` replicas at `rate` req/s, with per-replica CPU `cpu` (one entry per replica).
    static func replicatedCell(
        _ system: String, replicas: Int, repeat repeatIndex: Int = 1, status: CellStatus = .ok,
        rate: Double, p99: UInt64 = 5_000, cpu: [Double]? = nil
    ) -> CellSummary {
        var cell = Fixtures.cell(system, 1_000, repeat: repeatIndex, status: status, rate: rate, p99: p99)
        cell.id = "\(system)-replicas\(replicas)-c1000-\(repeatIndex)"
        cell.replicas = replicas
        let each = cpu ?? Array(repeating: 60, count: replicas)
        if replicas > 1 {
            cell.servers = each.enumerated().map { index, percent in
                ReplicaFigures(
                    node: "server-\(index + 1)", host: "h\(index + 1)", cpuPercent: percent,
                    rssPeakBytes: 40 << 20, rssSustainedBytes: 30 << 20, cpuAllowanceCores: 1)
            }
        }
        // The cell's server figures are the replicas' sums, as the aggregator makes them.
        cell.server?.cpuPercent = each.reduce(0, +)
        cell.server?.rssPeakBytes = UInt64(replicas) * 40 << 20
        cell.server?.rssSustainedBytes = UInt64(replicas) * 30 << 20
        return cell
    }

    /// builtin and other over replicas 1, 2, 3 at 1,000 connections; builtin nearly linear, other flat.
    static func replicaSweep() -> RunSummary {
        let rates: [String: [Double]] = ["builtin": [41_200, 80_100, 115_900], "other": [20_000, 24_000, 25_000]]
        var cells: [CellSummary] = []
        for system in ["builtin", "other"] {
            for replicas in 1...3 {
                cells.append(
                    replicatedCell(
                        system, replicas: replicas, rate: rates[system]![replicas - 1],
                        p99: 1_200 + UInt64(replicas) * 50,
                        cpu: (0..<replicas).map { 58 + Double($0) * 3 }))
            }
        }
        return RunSummary(barrage: "0.1.0", topology: "replicas", started: "2026-12-01T23:00:00Z", status: .ok, cells: cells)
    }
}
