import Metrics
import Testing
import Topology
import Wire

@testable import CoordinatorCore

/// A cell against an external target: no server worker, so the machine goes straight to its
/// clients and ends once they reported; the clients aim at the target.
@Suite struct ExternalTargetCellTests {
    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 2)

    func clientResult(_ node: String) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: "local", connectionsAsked: 5, connectionsEstablished: 5, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 5000), requests: 100, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    @Test func aCellWithoutServersRunsItsClientsAndEnds() {
        var m = CellStateMachine(
            servers: [], clients: [("client-1", "local")], timeouts: CellTimeouts(warmupMs: 1000, measureMs: 5000))
        var actions = m.handle(.begin)
        #expect(actions.first == .spawnClients, "no server to wait for")
        #expect(m.phase == .startingClients)
        #expect(m.handle(.message(node: "client-1", hello)) == [.sendSetup(node: "client-1")])
        actions = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        guard case .startTimer(let warmup, 1000) = actions.last else { Issue.record("no warmup timer"); return }
        actions = m.handle(.timerFired(generation: warmup))
        #expect(m.phase == .openingWindow(awaiting: ["client-1"]))
        actions = m.handle(.message(node: "client-1", .marked(.open)))
        guard case .startTimer(let measure, 5000) = actions.last else { Issue.record("no measure timer"); return }
        _ = m.handle(.timerFired(generation: measure))
        actions = m.handle(.message(node: "client-1", .marked(.close)))
        #expect(actions.contains(.send(node: "client-1", .stop)))
        actions = m.handle(.message(node: "client-1", .clientResult(clientResult("client-1"))))
        #expect(actions.first == .closeControl(node: "client-1"))
        #expect(m.phase == .finishing(.ok), "nothing to collect from a server Barrage did not start")
        #expect(m.handle(.exited(node: "client-1", status: .exited(0))) == [.finished(.ok)])
        #expect(m.serverResults.isEmpty)
    }

    @Test func clientsAimAtTheTarget() {
        let target = ServerEndpoint(host: "::1", port: 50051)
        let cell = CellPlan(
            id: "staging-c4-r1", index: 0, system: System(name: "staging", target: target), connections: 4,
            repeatIndex: 1, servers: [],
            clients: [ClientProcess(name: "client-1", host: Host(name: "local"), connections: 4, threads: 1)])
        #expect(SetupBuilder.targets(of: cell, readyPorts: [:]) == [ServerEndpoint(host: "::1", port: 50051)])
        let setups = SetupBuilder(containersDirectory: "/c", buildCacheDirectory: "/b")
            .clientSetups(for: cell, targets: SetupBuilder.targets(of: cell, readyPorts: [:]), ratePerSecond: nil)
        #expect(setups.map(\.targets) == [[ServerEndpoint(host: "::1", port: 50051)]])
    }
}
