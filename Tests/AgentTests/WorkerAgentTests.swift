import Metrics
import Testing
import Topology
import VirtualTimeSupport
import Wire
import WorkerCore

@testable import Agent

private func clientSetup(connections: Int = 8, threads: Int = 2) -> ClientSetup {
    ClientSetup(
        node: "client-1", host: "local", targets: [ServerEndpoint(host: "127.0.0.1", port: 9)], protocolKind: .grpc,
        call: .unary, payloadBytes: 32, connections: connections, concurrency: 1, threads: threads, ratePerSecond: nil,
        requestTimeoutMs: 2_000, connectTimeoutMs: 2_000)
}

private func serverSetup() -> ServerSetup {
    ServerSetup(
        node: "server-1", host: "local", system: "builtin", container: "builtin", protocolKind: .grpc,
        bindHost: "127.0.0.1", port: 0, environment: [], buildDirectory: "/tmp/none", runBuild: false,
        readyTimeoutMs: 10_000, sampleIntervalMs: 1000, cellID: "c1", limits: nil, threads: 1)
}

extension WorkerMessage {
    /// The message's case name, for comparing sequences.
    fileprivate var kind: String {
        switch self {
        case .hello: "hello"
        case .serverReady: "serverReady"
        case .clientReady: "clientReady"
        case .marked(let edge): "marked(\(edge))"
        case .clientResult: "clientResult"
        case .serverResult: "serverResult"
        case .interval(let second): "interval(\(second.second))"
        case .serverSamples: "serverSamples"
        case .failed: "failed"
        case .progress: "progress"
        case .building: "building"
        }
    }
}

/// The worker agent, executor of `AgentMachine`, driven in virtual time through a fake
/// control channel, with scripted runners in place of the server process and the client's
/// threads and sockets: what it answers, when, and how it ends.
@Suite struct WorkerAgentTests {
    @Test func aClientWorkerConnectsLoadsMarksAndReportsEverySecondBeforeItsResult() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.heartbeats(until: 20_000)
        ports.coordinator(sends: .setupClient(clientSetup(connections: 8, threads: 2)), at: 10)
        ports.coordinator(sends: .start, at: 200)
        ports.coordinator(sends: .mark(.open), at: 2_200)
        ports.coordinator(sends: .mark(.close), at: 5_000)
        ports.coordinator(sends: .stop, at: 5_300)
        ports.channelCloses(at: 6_000)
        time.run(until: 30_000)

        let kinds = ports.messages.map(\.kind).filter { $0 != "progress" }
        #expect(
            kinds == [
                "hello", "clientReady", "marked(open)", "interval(0)", "interval(1)", "marked(close)", "interval(2)",
                "clientResult"
            ])
        // Ready once both threads connected, 50 ms after the setup.
        #expect(ports.sent.first { $0.message.kind == "clientReady" }?.ms == 60)
        if case .clientReady(let report) = ports.messages[1] { #expect(report.connectionsEstablished == 8) }
        // Each second is both threads' added, sent once.
        let seconds = ports.messages.compactMap { if case .interval(let second) = $0 { second } else { nil } }
        #expect(seconds.map(\.counts.requests) == [200, 200, 200])
        #expect(ports.failures.isEmpty)
        // The channel's close ends the threads, then the worker, at once.
        #expect(ports.client.shutDownAtMs == 6_000)
        #expect(ports.exitedAtMs == 6_000)
        #expect(ports.logs.first == "client-1, 8 connections to 127.0.0.1:9")
    }

    @Test func aServerWorkerIsReadySampledMarkedAndStoppedWithItsResult() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.heartbeats(until: 20_000)
        ports.coordinator(sends: .setupServer(serverSetup()), at: 10)
        ports.coordinator(sends: .mark(.open), at: 2_000)
        ports.coordinator(sends: .mark(.close), at: 4_000)
        ports.coordinator(sends: .stop, at: 4_100)
        ports.channelCloses(at: 4_500)
        time.run(until: 30_000)

        #expect(ports.sent.first { $0.message.kind == "serverReady" }?.ms == 310)
        #expect(ports.server.marks.map(\.edge) == [.open, .close])
        // Samples go out on the agent's ticks while it serves.
        let sampleTimes = ports.sent.filter { $0.message.kind == "serverSamples" }.map(\.ms)
        #expect(sampleTimes == [2_000, 3_000, 4_000])
        let result = ports.messages.compactMap { if case .serverResult(let result) = $0 { result } else { nil } }
        #expect(result.count == 1)
        #expect(result.first?.hostFacts?.hostname == "fake")
        // Stopped with the agent's grace, then nothing more to end when the channel closes.
        #expect(ports.server.terminations.map(\.ms) == [4_100, 4_500])
        #expect(ports.server.terminations.allSatisfy { $0.graceMs == AgentTimeouts().serverGraceMs })
        #expect(ports.server.goneAtMs == 4_120)
        #expect(ports.exitedAtMs == 4_500)
        #expect(ports.failures.isEmpty)
    }

    @Test func aSilentCoordinatorEndsTheWorkerAndTheServerItStarted() {
        let time = VirtualScheduler()
        let server = FakeServer(time: time)
        server.exitMs = nil  // it ignores SIGTERM: the worker waits for the SIGKILL
        let ports = FakeWorkerPorts(time: time, server: server)
        ports.coordinator(sends: .setupServer(serverSetup()), at: 10)
        ports.heartbeats(until: 3_000)
        time.run(until: 60_000)

        // Last word at 3 s; the first tick more than 10 s later ends it.
        let silence = AgentTimeouts().silenceMs
        #expect(ports.logs.contains("shutting down: no word from the coordinator for \(silence / 1000) s"))
        #expect(server.terminations.map(\.ms) == [3_000 + silence + 1_000])
        let grace = AgentTimeouts().serverGraceMs
        #expect(server.goneAtMs == 3_000 + silence + 1_000 + grace)
        #expect(ports.exitedAtMs == server.goneAtMs, "the worker ends once its server is gone, not before")
    }

    @Test func aSilentCoordinatorEndsAClientWorkersThreads() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.coordinator(sends: .setupClient(clientSetup()), at: 10)
        ports.coordinator(sends: .start, at: 500)
        time.run(until: 60_000)
        #expect(ports.client.shutDownAtMs == 11_000)
        #expect(ports.exitedAtMs == 11_000)
    }

    @Test func heartbeatsKeepAnIdleWorkerAlive() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.heartbeats(until: 60_000)
        time.run(until: 60_000)
        #expect(ports.exitedAtMs == nil)
        #expect(ports.messages.map(\.kind) == ["hello"])
    }

    @Test func illTimedMessagesAreRefusedInWordsAndTheWorkerCarriesOn() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.heartbeats(until: 10_000)
        ports.coordinator(sends: .start, at: 10)
        ports.coordinator(sends: .setupServer(serverSetup()), at: 20)
        ports.coordinator(sends: .setupClient(clientSetup()), at: 400)
        ports.coordinator(sends: .start, at: 500)
        time.run(until: 5_000)
        #expect(
            ports.failures == [
                "unexpected control message start for this worker's state (waiting for a setup)",
                "unexpected control message setupClient for this worker's state (server server-1)",
                "unexpected control message start for this worker's state (server server-1)"
            ])
        #expect(ports.clientsMade == 0)
        #expect(ports.messages.contains { $0.kind == "serverReady" })
        #expect(ports.exitedAtMs == nil)
    }

    @Test func aConnectFailureIsReportedWithItsReasons() {
        let time = VirtualScheduler()
        let client = FakeClient(time: time)
        client.refused = 8
        let ports = FakeWorkerPorts(time: time, client: client)
        ports.heartbeats(until: 10_000)
        ports.coordinator(sends: .setupClient(clientSetup(connections: 8)), at: 10)
        time.run(until: 5_000)
        #expect(ports.failures == ["no connection to 127.0.0.1:9 could be made (ECONNREFUSED ×8)"])
        #expect(!ports.messages.contains { $0.kind == "clientReady" })
    }

    @Test func tooFewOpenFilesForTheConnectionsFailsBeforeAnyThreadStarts() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.openFiles = (soft: 1_000, hard: 4_096)
        ports.heartbeats(until: 10_000)
        ports.coordinator(sends: .setupClient(clientSetup(connections: 1_000)), at: 10)
        time.run(until: 2_000)
        let needed = 1_000 + AgentMachine.spareFiles
        #expect(ports.failures == ["1000 connections need \(needed) open files; the limit here is 1000 (hard 4096)"])
        #expect(ports.clientsMade == 0)
    }

    @Test func aServerThatExitsIsReportedWithWhatWasSampled() {
        let time = VirtualScheduler()
        let server = FakeServer(time: time)
        server.crash = (afterMs: 2_500, reason: "builtin exited with status 137 (killed: out of memory?)")
        let ports = FakeWorkerPorts(time: time, server: server)
        ports.heartbeats(until: 10_000)
        ports.coordinator(sends: .setupServer(serverSetup()), at: 10)
        time.run(until: 5_000)
        let afterReady = ports.messages.map(\.kind).filter { $0 != "serverSamples" }
        #expect(afterReady == ["hello", "serverReady", "serverResult", "failed"])
        #expect(ports.failures == ["builtin exited with status 137 (killed: out of memory?)"])
    }

    @Test func sigtermEndsTheWorkerOnce() {
        let time = VirtualScheduler()
        let ports = FakeWorkerPorts(time: time)
        ports.heartbeats(until: 10_000)
        ports.coordinator(sends: .setupServer(serverSetup()), at: 10)
        time.after(1_000) { ports.agent.handle(.terminated) }
        ports.channelCloses(at: 1_005)
        time.run(until: 5_000)
        #expect(ports.logs.filter { $0.hasPrefix("shutting down") } == ["shutting down: SIGTERM"])
        #expect(ports.server.terminations.count == 1)
        #expect(ports.exitedAtMs == 1_020)
    }
}
