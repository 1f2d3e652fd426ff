import Testing
import Topology
import Wire

@testable import WorkerCore

private let setup = ClientSetup(
    node: "client-1", host: "local", targets: [ServerEndpoint(host: "127.0.0.1", port: 9)], protocolKind: .tcpEcho,
    call: .unary, payloadBytes: 32, connections: 10, concurrency: 1, threads: 1, ratePerSecond: nil,
    requestTimeoutMs: 2_000, connectTimeoutMs: 2_000)

/// The worker agent's decisions alone; `WorkerAgentTests` drives them through the executor.
@Suite struct AgentMachineTests {
    @Test func aClientSetupRaisesTheOpenFilesLimitBeforeAnythingStarts() {
        var machine = AgentMachine()
        let actions = machine.handle(.received(.setupClient(setup), nowMs: 0))
        #expect(actions.last == .raiseOpenFiles)
        #expect(machine.state == .openingFiles(setup))
        #expect(machine.handle(.openFiles(soft: 10 + AgentMachine.spareFiles, hard: 100)) == [.startClient(setup)])
        #expect(machine.state == .client(node: "client-1"))
    }

    @Test func aFailedSetupLeavesTheWorkerWaitingForAnother() {
        var machine = AgentMachine()
        _ = machine.handle(.received(.setupClient(setup), nowMs: 0))
        _ = machine.handle(.openFiles(soft: 1 << 20, hard: 1 << 20))
        #expect(
            machine.handle(.setupFailed("load thread 0: EMFILE")) == [
                .send(.failed(reason: "client setup: load thread 0: EMFILE"))
            ])
        #expect(machine.state == .waiting)
        #expect(machine.handle(.received(.setupClient(setup), nowMs: 1)).last == .raiseOpenFiles)
    }

    @Test func endingHappensOnceAndNothingIsAnsweredAfter() {
        var machine = AgentMachine()
        _ = machine.handle(.received(.setupClient(setup), nowMs: 0))
        _ = machine.handle(.openFiles(soft: 1 << 20, hard: 1 << 20))
        let grace = AgentTimeouts().serverGraceMs
        #expect(machine.handle(.channelEnded("EPIPE")) == [.log("shutting down: EPIPE"), .endChildren(graceMs: grace)])
        #expect(machine.handle(.terminated).isEmpty)
        #expect(machine.handle(.received(.stop, nowMs: 5)).isEmpty)
        #expect(
            machine.handle(.runnerSaid(.progress(ProgressReport(requests: 1, errors: 0, connectionsUp: 1, topError: nil))))
                .isEmpty)
        #expect(machine.handle(.childrenEnded) == [.exit])
    }

    @Test func aWorkerWithNothingStartedExitsAtOnceAndSilentlyWhenTheChannelCloses() {
        var machine = AgentMachine()
        #expect(machine.handle(.channelEnded(nil)) == [.exit])
    }

    @Test func silenceIsCountedFromTheLastMessageHeard() {
        var machine = AgentMachine()
        let silence = machine.timeouts.silenceMs
        _ = machine.handle(.began(pid: 1, cores: 4, nowMs: 1_000))
        _ = machine.handle(.received(.heartbeat, nowMs: 5_000))
        #expect(machine.handle(.tick(nowMs: 5_000 + silence)).isEmpty)
        #expect(
            machine.handle(.tick(nowMs: 5_001 + silence)) == [
                .log("shutting down: no word from the coordinator for \(silence / 1000) s"), .exit
            ])
    }
}
