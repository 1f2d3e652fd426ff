import Metrics
import Testing
import Wire

@testable import CoordinatorCore

/// Drives the cell state machine with fake events, as the libuv driver would.
@Suite struct CellStateMachineTests {
    let timeouts = CellTimeouts(warmupMs: 1000, measureMs: 5000)

    func machine() -> CellStateMachine {
        CellStateMachine(
            servers: [("server", "local")], clients: [("client-1", "local"), ("client-2", "box-2")], timeouts: timeouts)
    }

    func clientResult(_ node: String) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: "local", connectionsAsked: 5, connectionsEstablished: 5, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 5000), requests: 100, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 2)

    /// The failure's words, while the cell ends or once it has ended.
    static func failure(_ m: CellStateMachine) -> String? {
        switch m.phase {
        case .finishing(.failed(let failure)), .killing(.failed(let failure)), .done(.failed(let failure)): return "\(failure)"
        default: return nil
        }
    }

    func timerGeneration(_ actions: [CellAction]) -> Int? {
        for case .startTimer(let g, _) in actions { return g }
        return nil
    }

    @Test func healthyCellRunsEveryPhaseInOrder() {
        var m = machine()
        var actions = m.handle(.begin)
        #expect(actions.first == .spawnServer(node: "server"))
        #expect(m.phase == .startingServer)

        #expect(m.handle(.message(node: "server", hello)) == [.sendSetup(node: "server")])
        actions = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 9000, serverProcessGroup: 77))))
        #expect(actions.first == .spawnClients)
        #expect(m.serverReady["server"]?.port == 9000)
        #expect(m.phase == .startingClients)

        #expect(m.handle(.message(node: "client-1", hello)) == [.sendSetup(node: "client-1")])
        #expect(m.handle(.message(node: "client-2", hello)) == [.sendSetup(node: "client-2")])
        #expect(m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 5)))).isEmpty)
        #expect(m.phase == .startingClients, "barrier holds until every client is ready")
        actions = m.handle(.message(node: "client-2", .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        #expect(m.phase == .warmup)
        #expect(actions.prefix(2) == [.send(node: "client-1", .start), .send(node: "client-2", .start)])
        guard case .startTimer(let warmup, 1000) = actions.last else { Issue.record("no warmup timer"); return }

        actions = m.handle(.timerFired(generation: warmup))
        #expect(m.phase == .openingWindow(awaiting: ["server", "client-1", "client-2"]))
        #expect(actions.contains(.send(node: "server", .mark(.open))))
        #expect(actions.contains(.send(node: "client-2", .mark(.open))))
        for node in ["server", "client-1"] { #expect(m.handle(.message(node: node, .marked(.open))).isEmpty) }
        actions = m.handle(.message(node: "client-2", .marked(.open)))
        #expect(m.phase == .measuring)
        guard case .startTimer(let measure, 5000) = actions.last else { Issue.record("no measure timer"); return }

        actions = m.handle(.timerFired(generation: measure))
        #expect(m.phase == .closingWindow(awaiting: ["server", "client-1", "client-2"]))
        for node in ["server", "client-1", "client-2"] { actions = m.handle(.message(node: node, .marked(.close))) }
        #expect(m.phase == .collectingClients(awaiting: ["client-1", "client-2"]))
        #expect(actions.contains(.send(node: "client-1", .stop)))
        #expect(!actions.contains(.send(node: "server", .stop)), "clients stop before the server")

        #expect(
            m.handle(.message(node: "client-1", .clientResult(clientResult("client-1")))) == [.closeControl(node: "client-1")])
        // A worker names its own result; a hostile one could name it out of the cell's folder.
        actions = m.handle(.message(node: "client-2", .clientResult(clientResult("../../etc/x"))))
        #expect(actions.prefix(2) == [.closeControl(node: "client-2"), .send(node: "server", .stop)])
        #expect(m.phase == .collectingServer(awaiting: ["server"]))
        #expect(m.handle(.exited(node: "client-1", status: .exited(0))).isEmpty)

        actions = m.handle(
            .message(node: "server", .serverResult(ServerNodeResult(node: "client-1", host: "local", samples: [], window: nil))))
        #expect(actions.first == .closeControl(node: "server"))
        #expect(m.phase == .finishing(.ok))
        #expect(m.handle(.exited(node: "client-2", status: .exited(0))).isEmpty)
        #expect(m.handle(.exited(node: "server", status: .exited(0))) == [.finished(.ok)])
        #expect(m.isDone)
        #expect(m.clientResults.count == 2)
        #expect(m.serverResults["server"] != nil)
        #expect(m.clientResults["client-2"]?.node == "client-2", "named from the plan, not by the worker")
        #expect(m.serverResults["server"]?.node == "server", "named from the plan, not by the worker")
    }

    @Test func clientKilledMidMeasurementFailsTheCellNamingIt() {
        var (m, _) = runToMeasuringPhase()
        let actions = m.handle(.exited(node: "client-2", status: .signaled(9)))
        guard case .finishing(.failed(let reason)) = m.phase else { Issue.record("not failing: \(m.phase)"); return }
        #expect(reason == .exited(WorkerNode(name: "client-2", host: "box-2"), .signaled(9), during: "measuring"))
        #expect("\(reason)" == "client-2 on box-2 was killed by signal 9 (SIGKILL) during measuring")
        #expect(
            actions.prefix(2) == [.closeControl(node: "client-1"), .closeControl(node: "server")],
            "clients close before the server")
        #expect(m.handle(.exited(node: "client-1", status: .exited(0))).isEmpty)
        #expect(m.handle(.exited(node: "server", status: .exited(0))) == [.finished(.failed(reason))])
    }

    @Test func serverThatNeverAcceptsFailsAtItsDeadline() {
        var m = machine()
        let actions = m.handle(.begin)
        guard case .startTimer(let g, 120_000) = actions.last else { Issue.record("no deadline"); return }
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.timerFired(generation: g))
        guard case .finishing(.failed(let reason)) = m.phase else { Issue.record("not failed"); return }
        #expect(reason == .serversNotReady([WorkerNode(name: "server", host: "local")], withinMs: 120_000))
        #expect("\(reason)".hasPrefix("server on local was not ready within 120 s"))
    }

    @Test func lateClientIsNamedAtTheBarrierDeadline() {
        var m = machine()
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", hello))
        let actions = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 1, serverProcessGroup: 1))))
        guard case .startTimer(let g, _) = actions.last else { Issue.record("no deadline"); return }
        _ = m.handle(.message(node: "client-1", hello))
        _ = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 1))))
        _ = m.handle(.timerFired(generation: g))
        #expect(m.phase == .finishing(.failed(.clientsNotReady([WorkerNode(name: "client-2", host: "box-2")], withinMs: 60_000))))
        #expect(Self.failure(m) == "client-2 on box-2 not ready within 60 s")
    }

    @Test func staleTimerIsIgnored() {
        var m = machine()
        let first = timerGeneration(m.handle(.begin))!
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 1, serverProcessGroup: 1))))
        #expect(m.handle(.timerFired(generation: first)).isEmpty)
        #expect(m.phase == .startingClients)
    }

    @Test func interruptStopsEverythingAndEndsInterrupted() {
        var (m, _) = runToMeasuringPhase()
        let actions = m.handle(.interrupt(reason: "interrupted by SIGINT"))
        #expect(actions.filter { if case .closeControl = $0 { return true } else { return false } }.count == 3)
        #expect(m.handle(.interrupt(reason: "again")).isEmpty, "a second Ctrl-C does not restart teardown")
        for node in ["client-1", "client-2"] { _ = m.handle(.exited(node: node, status: .exited(0))) }
        #expect(m.handle(.exited(node: "server", status: .exited(0))) == [.finished(.interrupted("interrupted by SIGINT"))])
    }

    @Test func workersThatIgnoreTheClosedChannelAreKilledThenGivenUpOn() {
        var (m, _) = runToMeasuringPhase()
        let actions = m.handle(.interrupt(reason: "interrupted by SIGTERM"))
        guard let grace = timerGeneration(actions) else { Issue.record("no grace timer"); return }
        let kills = m.handle(.timerFired(generation: grace))
        #expect(kills.filter { if case .kill = $0 { return true } else { return false } }.count == 3)
        _ = m.handle(.exited(node: "server", status: .signaled(9)))
        guard let last = timerGeneration(kills) else { Issue.record("no kill timer"); return }
        #expect(m.handle(.timerFired(generation: last)) == [.finished(.interrupted("interrupted by SIGTERM"))])
    }

    @Test func workerReportedFailureIsQuotedWithItsNode() {
        var m = machine()
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.message(node: "server", .failed(reason: "Containers/x/run exited with status 127")))
        #expect(Self.failure(m) == "server on local failed during starting server: Containers/x/run exited with status 127")
    }

    @Test func protocolVersionMismatchIsRefused() {
        var m = machine()
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", .hello(version: 99, pid: 1, cores: 2)))
        guard case .finishing(.failed(let reason)) = m.phase else { Issue.record("accepted"); return }
        #expect(
            reason
                == .protocolMismatch(
                    WorkerNode(name: "server", host: "local"), worker: 99, coordinator: ControlCodec.protocolVersion))
        #expect("\(reason)".contains("control protocol 99"))
    }

    @Test func spawnFailureEndsTheCellAtOnceWhenNothingElseRuns() {
        var m = machine()
        _ = m.handle(.begin)
        let actions = m.handle(.spawnFailed(node: "server", reason: "ENOENT"))
        #expect(actions == [.finished(.failed(.couldNotStart(WorkerNode(name: "server", host: "local"), reason: "ENOENT")))])
        #expect(Self.failure(m) == "server on local could not be started: ENOENT")
        #expect(m.isDone)
    }

    @Test func brokenChannelFailsTheCell() {
        var (m, _) = runToMeasuringPhase()
        _ = m.handle(.channelBroken(node: "client-1", reason: "end of stream"))
        #expect(Self.failure(m) == "lost the control channel of client-1 on local during measuring: end of stream")
    }

    /// Runs a healthy cell into `measuring`.
    func runToMeasuringPhase() -> (CellStateMachine, Int) {
        var m = machine()
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 9000, serverProcessGroup: 1))))
        var actions: [CellAction] = []
        for c in ["client-1", "client-2"] {
            _ = m.handle(.message(node: c, hello))
            actions = m.handle(.message(node: c, .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        }
        _ = m.handle(.timerFired(generation: timerGeneration(actions)!))
        for node in ["server", "client-1", "client-2"] { actions = m.handle(.message(node: node, .marked(.open))) }
        #expect(m.phase == .measuring)
        return (m, timerGeneration(actions)!)
    }
}

/// A worker's words reach the terminal: nothing in them may drive it.
struct CellFailureTextTests {
    @Test func controlCharactersInAWorkersTextAreShownNotSent() {
        let text = CellFailure.printable("bad\u{1B}[2J\rhidden\u{9B}x\u{202E}")
        #expect(text == "bad\\u{1B}[2J\\u{D}hidden\\u{9B}x\\u{202E}")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        #expect(CellFailure.printable(String(repeating: "a", count: 5_000)).count == 2_001)
        #expect(CellFailure.printable("Containers/x/run exited with status 127") == "Containers/x/run exited with status 127")
    }
}
