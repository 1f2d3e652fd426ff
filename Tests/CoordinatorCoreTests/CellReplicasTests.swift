import Metrics
import Testing
import Wire

@testable import CoordinatorCore

/// A cell with three server replicas: all must accept before clients start, all mark and
/// report, and one that dies fails the cell naming its host.
@Suite struct CellReplicasTests {
    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 4)
    let servers = [("server-1", "h1"), ("server-2", "h2"), ("server-3", "h3")]

    func machine() -> CellStateMachine {
        CellStateMachine(servers: servers, clients: [("client-1", "h4")], timeouts: CellTimeouts(warmupMs: 100, measureMs: 200))
    }

    func clientResult() -> ClientNodeResult {
        ClientNodeResult(
            node: "client-1", host: "h4", connectionsAsked: 3, connectionsEstablished: 3, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 200), requests: 10, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    /// Brings every replica up; returns the machine with clients spawned.
    func serversUp(_ m: inout CellStateMachine) {
        #expect(m.handle(.begin).prefix(3) == servers.map { CellAction.spawnServer(node: $0.0) }[...])
        for (node, _) in servers { #expect(m.handle(.message(node: node, hello)) == [.sendSetup(node: node)]) }
        for (index, (node, _)) in servers.enumerated() {
            let actions = m.handle(
                .message(node: node, .serverReady(ServerReadyReport(port: 9001 + index, serverProcessGroup: 0))))
            if index < 2 {
                #expect(actions.isEmpty, "clients wait until every replica accepts")
                #expect(m.phase == .startingServer)
            } else {
                #expect(actions.first == .spawnClients)
            }
        }
        #expect(m.serverReady.mapValues { $0.port } == ["server-1": 9001, "server-2": 9002, "server-3": 9003])
    }

    @Test func everyReplicaMarksStopsAndReports() {
        var m = machine()
        serversUp(&m)
        _ = m.handle(.message(node: "client-1", hello))
        var actions = m.handle(
            .message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 3, connectFailures: [:]))))
        guard case .startTimer(let warmup, _) = actions.last else { Issue.record("no warmup"); return }
        actions = m.handle(.timerFired(generation: warmup))
        for (node, _) in servers { #expect(actions.contains(.send(node: node, .mark(.open)))) }
        for node in ["server-1", "server-2", "server-3"] { #expect(m.handle(.message(node: node, .marked(.open))).isEmpty) }
        actions = m.handle(.message(node: "client-1", .marked(.open)))
        guard case .startTimer(let measure, 200) = actions.last else { Issue.record("no window"); return }
        _ = m.handle(.timerFired(generation: measure))
        for node in ["server-1", "server-2", "server-3", "client-1"] { actions = m.handle(.message(node: node, .marked(.close))) }
        actions = m.handle(.message(node: "client-1", .clientResult(clientResult())))
        for (node, _) in servers { #expect(actions.contains(.send(node: node, .stop))) }
        for (index, (node, host)) in servers.enumerated() {
            actions = m.handle(
                .message(node: node, .serverResult(ServerNodeResult(node: node, host: host, samples: [], window: nil))))
            let owing = Set(servers.map(\.0).dropFirst(index + 1))
            #expect(
                m.phase == (index < 2 ? .collectingServer(awaiting: owing) : .finishing(.ok)),
                "the cell ends once every replica reported")
        }
        #expect(m.serverResults.keys.sorted() == ["server-1", "server-2", "server-3"])
    }

    @Test func aReplicaThatDiesFailsTheCellNamingItsHost() {
        var m = machine()
        serversUp(&m)
        _ = m.handle(.message(node: "client-1", hello))
        _ = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 3, connectFailures: [:]))))
        let actions = m.handle(.exited(node: "server-2", status: .signaled(9)))
        guard case .finishing(.failed(let failure)) = m.phase else { Issue.record("not failed: \(m.phase)"); return }
        #expect("\(failure)" == "server-2 on h2 was killed by signal 9 (SIGKILL) during warmup")
        for node in ["client-1", "server-1", "server-3"] { #expect(actions.contains(.closeControl(node: node))) }
        #expect(!actions.contains(.closeControl(node: "server-2")), "it is gone already")
    }

    @Test func aReplicaThatNeverAcceptsIsNamed() {
        var m = machine()
        guard case .startTimer(let generation, _) = m.handle(.begin).last else { Issue.record("no timer"); return }
        for (node, _) in servers { _ = m.handle(.message(node: node, hello)) }
        _ = m.handle(.message(node: "server-1", .serverReady(ServerReadyReport(port: 1, serverProcessGroup: 0))))
        _ = m.handle(.timerFired(generation: generation))
        guard case .finishing(.failed(let reason)) = m.phase else { Issue.record("not failed"); return }
        #expect("\(reason)".hasPrefix("server-2 on h2, server-3 on h3 were not ready within 120 s"), "\(reason)")
    }
}
