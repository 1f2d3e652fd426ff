import Metrics
import Testing

@testable import Report

/// `bottleneck`: server-cpu, client, or none, from a cell's own figures.
@Suite struct BottleneckTests {
    static func judge(cpu: Double, cores: Double?, saturated: Bool = false, idle: [Double] = [0.5]) -> Bottleneck {
        Bottleneck.judge(
            serverCPUPercent: cpu, serverAllowanceCores: cores, clientSaturated: saturated,
            hostIdleFractions: idle)
    }

    @Test func serverCPUIsNinetyPercentOfItsAllowance() {
        // cpus: 0.5 → 45 % of one core is the line.
        #expect(Self.judge(cpu: 45, cores: 0.5) == .serverCPU)
        #expect(Self.judge(cpu: 44.9, cores: 0.5) == .none)
        // Unlimited on a 2-core host: 180 %.
        #expect(Self.judge(cpu: 181, cores: 2) == .serverCPU)
        #expect(Self.judge(cpu: 150, cores: 2) == .none)
    }

    @Test func anUnknownAllowanceGivesNoServerVerdict() {
        #expect(Self.judge(cpu: 400, cores: nil) == .none)
    }

    @Test func aSaturatedWorkerMakesItClient() {
        #expect(Self.judge(cpu: 10, cores: 2, saturated: true) == .client)
    }

    @Test func aClientHostUnderTenPercentIdleMakesItClientThoughNoWorkerLooksBusy() {
        // Eight workers sharing a box with the server: each at 25 %, the host at 2 % idle.
        #expect(Self.judge(cpu: 100, cores: 2, idle: [0.4, 0.02]) == .client)
        #expect(Self.judge(cpu: 100, cores: 2, idle: [0.1]) == .none)
        #expect(Self.judge(cpu: 100, cores: 2, idle: []) == .none)
    }

    @Test func serverCPUWinsWhenBothHold() {
        #expect(Self.judge(cpu: 99, cores: 1, saturated: true, idle: [0]) == .serverCPU)
    }

    @Test func theAggregatorJudgesFromTheNodeFiles() {
        var server = Fixtures.server()  // 50 % of one core over the window
        server.cpuAllowanceCores = 0.5
        var client = Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 1)
        client.hostIdleFraction = 0.3
        #expect(
            CellAggregator.summarize(record: Fixtures.record(), servers: [server], clients: [client]).bottleneck == .serverCPU)
        server.cpuAllowanceCores = 2
        #expect(CellAggregator.summarize(record: Fixtures.record(), servers: [server], clients: [client]).bottleneck == .none)
        var starved = Fixtures.client(node: "client-2", host: "loadgen", requests: 1, cpuSeconds: 1)
        starved.hostIdleFraction = 0.05
        let cell = CellAggregator.summarize(record: Fixtures.record(), servers: [server], clients: [client, starved])
        #expect(cell.bottleneck == .client)
        // Hosts sorted by name: "loadgen" before "local".
        #expect(cell.clients.hosts.map(\.cpuIdlePercent) == [5, 30])
        #expect(!cell.clients.saturated)
    }

    @Test func theFootnoteSaysWhyEachClientCellIsOne() {
        var server = Fixtures.server()
        server.cpuAllowanceCores = 2
        var starved = Fixtures.client(node: "client-1", host: "loadgen", requests: 1, cpuSeconds: 1)
        starved.hostIdleFraction = 0.04
        let cell = CellAggregator.summarize(record: Fixtures.record(), servers: [server], clients: [starved])
        let table = ReportRenderer.render(
            RunSummary(barrage: "0.1.0", topology: "t", started: "", status: .ok, cells: [cell]),
            format: .table)
        #expect(table.contains("server-cpu wins when both hold (builtin c100 r1: loadgen 4 % idle)"), "\(table)")
    }

    @Test func theFootnoteSaysWhatTheServersCPUWasJudgedAgainst() {
        var server = Fixtures.server()  // 0.5 cores busy over the window
        server.cpuAllowanceCores = 0.5
        let cell = CellAggregator.summarize(
            record: Fixtures.record(), servers: [server],
            clients: [Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 1)])
        #expect(cell.server?.cpuAllowanceCores == 0.5)
        let table = ReportRenderer.render(
            RunSummary(barrage: "0.1.0", topology: "t", started: "", status: .ok, cells: [cell]),
            format: .table)
        #expect(table.contains("server-cpu wins when both hold (builtin c100 r1: server busy 0.50 of its 0.5 cores)"), "\(table)")
    }

    @Test func aHostsIdleIsTheMeanOfItsWorkersReadings() {
        var a = Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 1)
        a.hostIdleFraction = 0.08
        var b = Fixtures.client(node: "client-2", requests: 1, cpuSeconds: 1)
        b.hostIdleFraction = 0.14
        let c = Fixtures.client(node: "client-3", requests: 1, cpuSeconds: 1)  // could not read it
        let host = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [a, b, c]).clients.hosts[0]
        #expect(abs((host.cpuIdlePercent ?? -1) - 11) < 1e-9)
    }

    @Test func queuedAndLateSendsAreCountedApartPerHostAndOverall() {
        var a = Fixtures.client(node: "client-1", host: "loadgen-1", requests: 1, cpuSeconds: 0, lateSends: 2)
        a.queuedSends = 30
        var b = Fixtures.client(node: "client-2", host: "loadgen-2", requests: 1, cpuSeconds: 0)
        b.queuedSends = 12
        let clients = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [a, b]).clients
        #expect(clients.queuedSends == 42)
        #expect(clients.lateSends == 2)
        #expect(clients.hosts.map(\.queuedSends) == [30, 12])
        #expect(clients.hosts.map(\.lateSends) == [2, 0])
    }
}
