import Metrics
import Testing
import Wire

@testable import CoordinatorCore

/// What a phase waits for lives in the phase: acks and results owed by named nodes, the
/// kill step of teardown, and cells with several server replicas.
@Suite struct CellPhaseDataTests {
    let timeouts = CellTimeouts(warmupMs: 1000, measureMs: 5000)
    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 2)

    func timer(_ actions: [CellAction]) -> Int? {
        for case .startTimer(let generation, _) in actions { return generation }
        return nil
    }

    func serverResult(_ node: String) -> ServerNodeResult {
        ServerNodeResult(node: node, host: "h", samples: [], window: nil)
    }

    func clientResult(_ node: String) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: "local", connectionsAsked: 5, connectionsEstablished: 5, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 5000), requests: 100, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    /// One server, one client, run to the end of warmup; returns the warmup timer.
    func warmedUp() -> (CellStateMachine, Int) {
        var m = CellStateMachine(serverHost: "local", clients: [("client-1", "local")], timeouts: timeouts)
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 1, serverProcessGroup: 2))))
        _ = m.handle(.message(node: "client-1", hello))
        let actions = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        return (m, timer(actions)!)
    }

    @Test func acksAreCountedOncePerNodeAndOnlyForTheEdgeAwaited() {
        var (m, warmup) = warmedUp()
        _ = m.handle(.timerFired(generation: warmup))
        #expect(m.phase == .openingWindow(awaiting: ["server", "client-1"]))
        #expect(m.handle(.message(node: "client-1", .marked(.close))).isEmpty, "not the edge this phase waits for")
        #expect(m.phase == .openingWindow(awaiting: ["server", "client-1"]))
        #expect(m.handle(.message(node: "client-1", .marked(.open))).isEmpty)
        #expect(m.phase == .openingWindow(awaiting: ["server"]))
        #expect(m.handle(.message(node: "client-1", .marked(.open))).isEmpty, "a second ack from the same node")
        #expect(m.phase == .openingWindow(awaiting: ["server"]))
        let opened = m.handle(.message(node: "server", .marked(.open)))
        #expect(m.phase == .measuring)
        guard case .startTimer(_, 5000) = opened.last else { Issue.record("no window timer: \(opened)"); return }
    }

    @Test func aMissingAckNamesOnlyTheNodesStillOwingOne() {
        var (m, warmup) = warmedUp()
        let marks = m.handle(.timerFired(generation: warmup))
        #expect(marks.prefix(2) == [.send(node: "server", .mark(.open)), .send(node: "client-1", .mark(.open))])
        _ = m.handle(.message(node: "server", .marked(.open)))
        _ = m.handle(.timerFired(generation: timer(marks)!))
        #expect(
            m.phase
                == .finishing(
                    .failed(
                        .noAnswer(
                            [WorkerNode(name: "client-1", host: "local")], withinMs: 10_000,
                            during: "opening window"))))
    }

    @Test func teardownKillsAfterTheGraceAndEndsWhenTheLastKilledWorkerExits() {
        var (m, _) = warmedUp()
        let closing = m.handle(.interrupt(reason: "interrupted by SIGINT"))
        #expect(closing.prefix(2) == [.closeControl(node: "client-1"), .closeControl(node: "server")])
        let outcome = CellOutcome.interrupted("interrupted by SIGINT")
        #expect(m.phase == .finishing(outcome))
        #expect(m.handle(.exited(node: "client-1", status: .exited(0))).isEmpty)
        let kills = m.handle(.timerFired(generation: timer(closing)!))
        #expect(kills.first == .kill(node: "server"), "only the worker still alive is killed")
        #expect(kills.count == 2)
        #expect(m.phase == .killing(outcome))
        #expect(m.handle(.interrupt(reason: "again")).isEmpty)
        #expect(m.handle(.exited(node: "server", status: .signaled(9))) == [.finished(outcome)])
        #expect(m.phase == .done(outcome))
        #expect(m.handle(.timerFired(generation: timer(kills)!)).isEmpty, "the kill deadline was disarmed")
    }

    @Test func aClientCannotReportAServerReadyOrResult() {
        var (m, _) = warmedUp()
        _ = m.handle(.message(node: "client-1", .serverResult(serverResult("client-1"))))
        #expect(
            m.phase
                == .finishing(
                    .failed(
                        .unexpectedMessage(
                            WorkerNode(name: "client-1", host: "local"),
                            message: "serverResult", during: "warmup"))))
        #expect(m.serverResults.isEmpty)
    }

    @Test func replicasAllStartBeforeClientsAndAllReportBeforeTheCellEnds() {
        var m = CellStateMachine(
            servers: [("server-1", "h1"), ("server-2", "h2")], clients: [("client-1", "h3")],
            timeouts: timeouts)
        let begin = m.handle(.begin)
        #expect(begin.prefix(2) == [.spawnServer(node: "server-1"), .spawnServer(node: "server-2")])
        for server in ["server-1", "server-2"] { _ = m.handle(.message(node: server, hello)) }
        #expect(m.handle(.message(node: "server-2", .serverReady(ServerReadyReport(port: 9002, serverProcessGroup: 2)))).isEmpty)
        #expect(m.phase == .startingServer, "clients wait for every replica")
        #expect(
            m.handle(.message(node: "server-1", .serverReady(ServerReadyReport(port: 9001, serverProcessGroup: 1)))).first
                == .spawnClients)
        #expect(m.serverReady["server-1"]?.port == 9001)
        #expect(m.serverReady["server-2"]?.port == 9002)

        _ = m.handle(.message(node: "client-1", hello))
        let warm = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        let open = m.handle(.timerFired(generation: timer(warm)!))
        #expect(open.filter { if case .send(_, .mark(.open)) = $0 { return true } else { return false } }.count == 3)
        var measuring: [CellAction] = []
        for node in ["server-1", "server-2", "client-1"] { measuring = m.handle(.message(node: node, .marked(.open))) }
        #expect(m.phase == .measuring)
        _ = m.handle(.timerFired(generation: timer(measuring)!))
        #expect(m.phase == .closingWindow(awaiting: ["server-1", "server-2", "client-1"]))
        for node in ["server-1", "server-2", "client-1"] { _ = m.handle(.message(node: node, .marked(.close))) }
        let stops = m.handle(.message(node: "client-1", .clientResult(clientResult("client-1"))))
        #expect(stops.contains(.send(node: "server-1", .stop)) && stops.contains(.send(node: "server-2", .stop)))
        #expect(m.phase == .collectingServer(awaiting: ["server-1", "server-2"]))
        #expect(m.handle(.message(node: "server-2", .serverResult(serverResult("server-2")))).isEmpty)
        #expect(m.phase == .collectingServer(awaiting: ["server-1"]))
        let done = m.handle(.message(node: "server-1", .serverResult(serverResult("server-1"))))
        #expect(done.prefix(2) == [.closeControl(node: "server-1"), .closeControl(node: "server-2")])
        #expect(m.phase == .finishing(.ok))
        #expect(Set(m.serverResults.keys) == ["server-1", "server-2"])
    }

    @Test func aReplicaThatNeverAcceptsIsNamedAlone() {
        var m = CellStateMachine(
            servers: [("server-1", "h1"), ("server-2", "h2")], clients: [("client-1", "h3")],
            timeouts: timeouts)
        let deadline = timer(m.handle(.begin))!
        for server in ["server-1", "server-2"] { _ = m.handle(.message(node: server, hello)) }
        _ = m.handle(.message(node: "server-1", .serverReady(ServerReadyReport(port: 9001, serverProcessGroup: 1))))
        _ = m.handle(.timerFired(generation: deadline))
        guard case .finishing(.failed(let failure)) = m.phase else { Issue.record("not failed: \(m.phase)"); return }
        #expect(
            "\(failure)" == "server-2 on h2 was not ready within 120 s: the system did not accept TCP connections (see its log)")
    }
}
