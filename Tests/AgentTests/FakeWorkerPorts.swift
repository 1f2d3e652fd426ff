import Metrics
import Topology
import VirtualTimeSupport
import Wire
import WorkerCore

@testable import Agent

/// The outside of a worker agent in virtual time: a fake control channel (what the agent
/// sends is recorded with its time; the coordinator's messages and the channel's end are
/// delivered as events), the agent's tick, and scripted server and client runners in place
/// of processes and sockets.
final class FakeWorkerPorts: WorkerPorts {
    let time: VirtualScheduler
    let server: FakeServer
    let client: FakeClient
    /// The open-files limits the agent finds after raising them.
    var openFiles: (soft: UInt64, hard: UInt64) = (1_048_576, 1_048_576)
    private(set) var agent: WorkerAgent!
    /// Everything sent to the coordinator, with its virtual time.
    private(set) var sent: [(ms: UInt64, message: WorkerMessage)] = []
    private(set) var logs: [String] = []
    /// When the agent flushed its channel and ended; nil while it runs.
    private(set) var exitedAtMs: UInt64?
    private(set) var serversMade = 0
    private(set) var clientsMade = 0

    init(time: VirtualScheduler, server: FakeServer? = nil, client: FakeClient? = nil, timeouts: AgentTimeouts = AgentTimeouts())
    {
        self.time = time
        self.server = server ?? FakeServer(time: time)
        self.client = client ?? FakeClient(time: time)
        agent = WorkerAgent(ports: self, timeouts: timeouts)
        // As `LoopWorkerPorts.start`: the tick, then the agent begins.
        time.every(timeouts.tickMs) { [unowned self] in
            guard self.exitedAtMs == nil else { return false }
            self.agent.handle(.tick(nowMs: self.time.nowMs))
            return true
        }
        agent.handle(.began(pid: 4242, cores: 2, nowMs: time.nowMs))
    }

    /// The coordinator sends `message` at `ms` (virtual).
    func coordinator(sends message: CoordinatorMessage, at ms: UInt64) {
        time.after(ms - time.nowMs) { [unowned self] in
            guard self.exitedAtMs == nil else { return }
            self.agent.handle(.received(message, nowMs: self.time.nowMs))
        }
    }

    /// The coordinator heartbeats every second from now until `untilMs`, as RunDriver does.
    func heartbeats(until untilMs: UInt64) {
        time.every(1000) { [unowned self] in
            guard self.time.nowMs <= untilMs, self.exitedAtMs == nil else { return false }
            self.agent.handle(.received(.heartbeat, nowMs: self.time.nowMs))
            return true
        }
    }

    /// The coordinator closes the channel at `ms`.
    func channelCloses(at ms: UInt64) {
        time.after(ms - time.nowMs) { [unowned self] in self.agent.handle(.channelEnded(nil)) }
    }

    /// The messages sent, without their times.
    var messages: [WorkerMessage] { sent.map(\.message) }

    /// The reasons of every `failed` sent.
    var failures: [String] {
        messages.compactMap { if case .failed(let reason) = $0 { reason } else { nil } }
    }

    func send(_ message: WorkerMessage) {
        precondition(exitedAtMs == nil, "sent \(message) after the channel was closed")
        sent.append((time.nowMs, message))
    }

    func log(_ line: String) {
        logs.append(line)
    }

    func raiseOpenFiles() -> (soft: UInt64, hard: UInt64) {
        openFiles
    }

    func makeServer(
        _ setup: ServerSetup, ready: @escaping (ServerReadyReport) -> Void, failed: @escaping (String) -> Void,
        building: @escaping () -> Void
    ) throws -> any ServerRole {
        serversMade += 1
        server.answers = (ready, failed, building)
        return server
    }

    func makeClient(_ setup: ClientSetup) throws -> any ClientRole {
        clientsMade += 1
        client.setup = setup
        return client
    }

    func hostFacts(name: String) -> HostFacts {
        HostFacts(name: name, hostname: "fake", kernel: "6.1", cpuModel: "virtual", cores: 2, memoryBytes: 1 << 30)
    }

    func exit() {
        exitedAtMs = time.nowMs
    }
}

/// A server process in virtual time: it is ready `startMs` after it starts, sampled every
/// second, and ends `exitMs` after SIGTERM (or at SIGKILL, once the grace is over).
final class FakeServer: ServerRole {
    let time: VirtualScheduler
    var startMs: UInt64 = 300
    /// How long it takes to exit on SIGTERM; nil: it ignores SIGTERM and dies at SIGKILL.
    var exitMs: UInt64? = 20
    /// It exits on its own this long after it started, with this reason.
    var crash: (afterMs: UInt64, reason: String)?
    fileprivate var answers: (ready: (ServerReadyReport) -> Void, failed: (String) -> Void, building: () -> Void)?
    private(set) var marks: [(ms: UInt64, edge: WindowMark)] = []
    /// SIGTERMs with their grace, and when the process was gone.
    private(set) var terminations: [(ms: UInt64, graceMs: UInt64)] = []
    private(set) var goneAtMs: UInt64?
    private var samples: [ResourceSample] = []

    init(time: VirtualScheduler) {
        self.time = time
    }

    func start() {
        time.after(startMs) { [unowned self] in
            guard self.goneAtMs == nil else { return }
            self.answers?.ready(ServerReadyReport(port: 8123, serverProcessGroup: 777))
        }
        time.every(1000) { [unowned self] in
            guard self.goneAtMs == nil else { return false }
            self.samples.append(ResourceSample(timeMs: self.time.nowMs, cpuSeconds: 0.5, rssBytes: 1 << 20, threads: 2))
            return true
        }
        if let crash {
            time.after(crash.afterMs) { [unowned self] in
                self.goneAtMs = self.time.nowMs
                self.answers?.failed(crash.reason)
            }
        }
    }

    func mark(_ edge: WindowMark) {
        marks.append((time.nowMs, edge))
    }

    func takeSamples() -> [ResourceSample] {
        defer { samples = [] }
        return samples
    }

    func result(node: String, host: String) -> ServerNodeResult {
        ServerNodeResult(node: node, host: host, samples: [], window: MeasurementWindow(startMs: 0, endMs: 1))
    }

    func terminate(graceMs: UInt64, completion: @escaping () -> Void) {
        terminations.append((time.nowMs, graceMs))
        guard goneAtMs == nil else { return completion() }
        time.after(exitMs.map { min($0, graceMs) } ?? graceMs) { [unowned self] in
            if self.goneAtMs == nil { self.goneAtMs = self.time.nowMs }
            completion()
        }
    }
}

/// A client worker's threads and sockets in virtual time, their answers gathered by the real
/// `ClientGathering`: each thread connects `connectMs` after asked (its share of `refused`
/// connections failing), and once load runs hands over each second of the window about a
/// second after it ended, with `requestsPerSecond` requests in it.
final class FakeClient: ClientRole {
    let time: VirtualScheduler
    var threads = 2
    var connectMs: UInt64 = 50
    /// Connections refused, over all threads; all of them: no connection at all.
    var refused = 0
    var requestsPerSecond: UInt64 = 100
    fileprivate(set) var setup: ClientSetup?
    private(set) var shutDownAtMs: UInt64?
    private var gathering = ClientGathering(shares: [])
    private var windowOpenedMs: UInt64?
    private var windowClosedMs: UInt64?
    /// Seconds of the window each thread has handed over.
    private var handedOver: [Int] = []
    private var interval: (ClientInterval) -> Void = { _ in }
    private var established = 0
    private var stopped = false

    init(time: VirtualScheduler) {
        self.time = time
    }

    private var shares: [Int] { ConnectionSplit.shares(total: setup?.connections ?? 0, parts: threads) }

    func connect(ready: @escaping (ClientReadyReport) -> Void, failed: @escaping (String) -> Void) {
        gathering = ClientGathering(shares: shares)
        handedOver = Array(repeating: 0, count: threads)
        gathering.ask(.connecting)
        let refusedShares = ConnectionSplit.shares(total: refused, parts: threads)
        for (index, share) in shares.enumerated() {
            time.after(connectMs) { [unowned self] in
                let failures = refusedShares[index] > 0 ? ["ECONNREFUSED": UInt64(refusedShares[index])] : [:]
                for step in self.gathering.take(
                    .connected(established: share - refusedShares[index], failures: failures), from: index)
                {
                    switch step {
                    case .ready(let report):
                        self.established = report.connectionsEstablished
                        ready(report)
                    case .noConnection(let failures):
                        failed(
                            LoadSummaryText.noConnection(
                                to: self.setup!.targetsDescription, failures: failures,
                                connectTimeoutMs: self.setup!.connectTimeoutMs))
                    default: break
                    }
                }
            }
        }
    }

    func start(progress: @escaping (ProgressReport) -> Void, interval: @escaping (ClientInterval) -> Void) {
        self.interval = interval
        // Each thread hands its closed seconds over on its progress tick, a second apart.
        time.every(1000) { [unowned self] in
            guard self.shutDownAtMs == nil, !self.stopped else { return false }
            for index in 0..<self.threads { self.handOver(thread: index, upToMs: self.time.nowMs, closing: false) }
            if let report = self.gathering.progress { progress(report) }
            return true
        }
    }

    func mark(_ edge: WindowMark, done: @escaping () -> Void) {
        switch edge {
        case .open: windowOpenedMs = time.nowMs
        case .close: windowClosedMs = time.nowMs
        }
        gathering.ask(.marking(edge))
        for index in 0..<threads {
            time.after(1) { [unowned self] in
                if self.gathering.take(.marked(edge), from: index) == [.marked(edge)] { done() }
            }
        }
    }

    func stop(done: @escaping (ClientNodeResult) -> Void) {
        stopped = true
        gathering.ask(.stopping)
        for index in 0..<threads {
            time.after(2) { [unowned self] in
                for step in self.handOver(thread: index, upToMs: self.windowClosedMs ?? self.time.nowMs, closing: true) {
                    guard case .stopped = step else { continue }
                    done(self.result())
                }
            }
        }
    }

    func shutDown() {
        shutDownAtMs = time.nowMs
    }

    /// Thread `index` hands over its window's seconds ended by `upToMs` (on stop, the last
    /// partial one too); the steps the gathering took.
    @discardableResult
    private func handOver(thread index: Int, upToMs: UInt64, closing: Bool) -> [ClientGathering.Step] {
        var closed: [ClientInterval] = []
        if let opened = windowOpenedMs {
            let end = min(upToMs, windowClosedMs ?? upToMs)
            let seconds = Int((end - opened) / 1000) + (closing && (end - opened) % 1000 > 0 ? 1 : 0)
            while handedOver[index] < seconds {
                closed.append(ClientInterval(second: handedOver[index], counts: IntervalCounts(requests: requestsPerSecond)))
                handedOver[index] += 1
            }
        }
        let report: ThreadReport =
            closing
            ? .stopped(closed: closed, pauses: [])
            : .progress(ProgressReport(requests: 0, errors: 0, connectionsUp: shares[index], topError: nil), closed: closed)
        let steps = gathering.take(report, from: index)
        for case .interval(let second) in steps { interval(second) }
        return steps
    }

    private func result() -> ClientNodeResult {
        ClientNodeResult(
            node: setup!.node, host: setup!.host, connectionsAsked: setup!.connections, connectionsEstablished: established,
            connectFailures: [:], threads: threads,
            window: MeasurementWindow(startMs: windowOpenedMs ?? 0, endMs: windowClosedMs ?? 0),
            requests: 0, errors: [:], histogram: LatencyHistogram(), cpuSeconds: 0, rssPeakBytes: 0)
    }
}
