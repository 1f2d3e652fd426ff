import Metrics
import Testing
import Wire

@testable import CoordinatorCore

/// A capacity search's cell: one server for every trial, fresh clients per trial.
@Suite struct CellTrialsTests {
    let timeouts = CellTimeouts(warmupMs: 2000, measureMs: 3000)
    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 2)

    func result(_ node: String) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: "local", connectionsAsked: 5, connectionsEstablished: 5, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 3000), requests: 100, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    func timer(_ actions: [CellAction]) -> (generation: Int, milliseconds: UInt64)? {
        for case .startTimer(let generation, let milliseconds) in actions { return (generation, milliseconds) }
        return nil
    }

    /// Runs one trial from spawned clients to their exit; returns the actions of the last exit
    /// and the warmup and window lengths the machine armed.
    func trial(_ m: inout CellStateMachine) -> (last: [CellAction], warmupMs: UInt64?, measureMs: UInt64?) {
        let (warmup, measure, _) = collect(&m)
        return (m.handle(.exited(node: "client-1", status: .exited(0))), warmup, measure)
    }

    /// One trial up to its client's result; returns the armed warmup, window and exit-wait lengths.
    func collect(_ m: inout CellStateMachine) -> (UInt64?, UInt64?, (generation: Int, milliseconds: UInt64)?) {
        _ = m.handle(.message(node: "client-1", hello))
        let ready = m.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 5))))
        let warmup = timer(ready)
        _ = m.handle(.timerFired(generation: warmup?.generation ?? -1))
        _ = m.handle(.message(node: "server", .marked(.open)))
        let opened = m.handle(.message(node: "client-1", .marked(.open)))
        let measure = timer(opened)
        _ = m.handle(.timerFired(generation: measure?.generation ?? -1))
        _ = m.handle(.message(node: "server", .marked(.close)))
        let closed = m.handle(.message(node: "client-1", .marked(.close)))
        #expect(closed.contains(.send(node: "client-1", .stop)))
        let collected = m.handle(.message(node: "client-1", .clientResult(result("client-1"))))
        #expect(collected.contains(.closeControl(node: "client-1")))
        #expect(!collected.contains(.send(node: "server", .stop)), "the server lives on between trials")
        #expect(m.phase == .betweenTrials)
        return (warmup?.milliseconds, measure?.milliseconds, timer(collected))
    }

    @Test func trialsShareOneServerAndOnlyTheFirstWarmsUp() {
        var m = CellStateMachine(
            servers: [("server", "local")], clients: [("client-1", "local")], timeouts: timeouts,
            mode: .trials(settleMs: 1000))
        #expect(m.handle(.begin).first == .spawnServer(node: "server"))
        _ = m.handle(.message(node: "server", hello))
        #expect(
            m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 9000, serverProcessGroup: 1)))).first
                == .spawnClients)

        let first = trial(&m)
        #expect(first.last == [.trialEnded])
        #expect(first.warmupMs == 2000)
        #expect(first.measureMs == 3000)
        #expect(m.clientResults["client-1"] != nil, "the driver reads the trial's results now")

        let next = m.handle(.nextTrial(measureMs: 5000))
        #expect(next.first == .spawnClients)
        #expect(m.trialNumber == 2)
        #expect(m.clientResults.isEmpty)
        let second = trial(&m)
        #expect(second.last == [.trialEnded])
        #expect(second.warmupMs == 1000, "later trials only settle")
        #expect(second.measureMs == 5000, "a confirm run is the workload's duration")

        let end = m.handle(.endTrials)
        #expect(end.first == .send(node: "server", .stop))
        #expect(m.phase == .collectingServer(awaiting: ["server"]))
        let finished = m.handle(
            .message(node: "server", .serverResult(ServerNodeResult(node: "server", host: "local", samples: [], window: nil))))
        #expect(finished.contains(.closeControl(node: "server")))
        #expect(m.handle(.exited(node: "server", status: .exited(0))) == [.finished(.ok)])
    }

    @Test func aClientThatDoesNotExitBetweenTrialsFailsTheCell() {
        var m = CellStateMachine(
            servers: [("server", "local")], clients: [("client-1", "local")], timeouts: timeouts,
            mode: .trials(settleMs: 1000))
        _ = m.handle(.begin)
        _ = m.handle(.message(node: "server", hello))
        _ = m.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 9000, serverProcessGroup: 1))))
        let (_, _, wait) = collect(&m)
        #expect(m.phase == .betweenTrials)
        let failed = m.handle(.timerFired(generation: wait?.generation ?? -1))
        #expect(failed.contains(.closeControl(node: "server")))
        guard case .finishing(.failed(let reason)) = m.phase else {
            Issue.record("expected a failing cell, got \(m.phase)")
            return
        }
        #expect(reason == .didNotExit([WorkerNode(name: "client-1", host: "local")], trial: 1))
        #expect("\(reason)" == "client-1 on local did not exit after trial 1")
        // Events meant for another phase change nothing.
        #expect(m.handle(.nextTrial(measureMs: 1000)).isEmpty)
        #expect(m.handle(.endTrials).isEmpty)
    }
}
