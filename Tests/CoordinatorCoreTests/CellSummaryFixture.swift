import Metrics
import Report

/// A hand-made cell summary over a 5 s window.
enum CellSummaryFixture {
    static func cell(requests: UInt64, p99: UInt64, lateSends: UInt64, errors: UInt64 = 0) -> CellSummary {
        var latency = LatencySummary(LatencyHistogram())
        latency.p99 = p99
        return CellSummary(
            id: "x", system: "builtin", connections: 10, repeatIndex: 1, status: .ok, error: nil, durationSeconds: 5,
            requests: requests, errors: errors, errorsByKind: [:], requestsPerSecond: Double(requests) / 5, latency: latency,
            server: ServerFigures(
                ResourceFigures(cpuPercent: 50, rssPeakBytes: 1, rssSustainedBytes: 1, threadsPeak: 1),
                idleRssBytes: nil, memoryPerConnectionBytes: nil, cgroupMemoryPeakBytes: nil),
            clients: ClientFigures(
                workers: 1, connectionsEstablished: 10, cpuPercent: 10, rssPeakBytes: 1, saturated: false,
                hosts: [], lateSends: lateSends))
    }
}
