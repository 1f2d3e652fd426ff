import Glibc
import Load
import Metrics
import Serve
import TLSSettings
import Topology
import UV
import Wire
import WorkerCore

/// The client worker's executor: starts one load thread per part of its `ClientPlan`, passes
/// the worker's requests (connect, start, mark, stop) to every thread, and carries out what
/// `ClientGathering` decides from their answers (ready, a complete second, the result). It
/// merges the threads' window counters into the result and measures CPU at the marks.
final class ClientRunner {
    /// What answers the threads' current request.
    private enum Pending {
        case none
        case connecting(ready: (ClientReadyReport) -> Void, failed: (String) -> Void)
        case marking(done: () -> Void)
        case stopping(done: (ClientNodeResult) -> Void)
    }

    private let setup: ClientSetup
    private let plan: ClientPlan
    private var gathering: ClientGathering
    private var threads: [LoadThread] = []
    private var replies: Mailbox<(Int, LoadThread.Reply)>!
    private let progressTimer: Timer
    private var pending: Pending = .none
    private var merged = WindowCounters()
    /// Where a finished second goes (set by `start`).
    private var sendInterval: (ClientInterval) -> Void = { _ in }
    private var windowStartMs: UInt64 = 0
    private var windowEndMs: UInt64 = 0
    private var cpuAtStart = 0.0
    private var cpuInWindow = 0.0
    /// The host's CPU counters at the window's opening mark, and its idle share over the window.
    private var hostCPUAtStart: HostCPUTimes?
    private var hostIdleFraction: Double?
    /// The TLS files the setup carried as text, written for this worker only; removed at shutdown.
    private let tlsFolder: PrivateFolder?

    init(loop: Loop, setup: ClientSetup) throws {
        var setup = setup
        tlsFolder = try Self.writeTLSFiles(&setup)
        self.setup = setup
        plan = ClientPlan(setup)
        gathering = ClientGathering(shares: plan.threads.map(\.connections))
        progressTimer = try Timer(loop: loop)
        replies = try Mailbox(loop: loop) { [unowned self] message in self.received(message.0, message.1) }
        let post: @Sendable (Int, LoadThread.Reply) -> Void = { [replies] index, reply in replies!.post((index, reply)) }
        do {
            for (index, part) in plan.threads.enumerated() {
                let make = Self.generatorFactory(setup, part: part, thread: index)
                threads.append(try LoadThread(index: index, makeGenerator: make, reply: post))
            }
        } catch {
            // The threads already running end with the error; nothing else was started.
            for thread in threads { thread.send(.exit) }
            replies.close()
            progressTimer.close()
            throw error
        }
    }

    /// Writes the TLS files `setup` carries as text (the run's CA, a user's certificate) to a
    /// private folder and points the setup's TLS settings at them; nil when it carries none.
    static func writeTLSFiles(_ setup: inout ClientSetup) throws -> PrivateFolder? {
        guard let pem = setup.tlsPEM else { return nil }
        let folder = try PrivateFolder(purpose: "tls")
        var settings = setup.tls ?? TLSClientSettings()
        if let authority = pem.authorityPEM { settings.caFile = try folder.write("ca.pem", authority) }
        if let certificate = pem.certificate {
            settings.certFile = try folder.write("client.pem", certificate.certificatePEM)
            settings.keyFile = try folder.write("client.key", certificate.privateKeyPEM)
        }
        setup.tls = settings
        setup.tlsPEM = nil
        return folder
    }

    /// Builds, on a load thread, the generator for its `part` of `setup` (its connections,
    /// its open-loop rate, its targets in the order its connections take them): one
    /// protocol-agnostic generator whatever the protocol, its connections spread over source
    /// addresses when one address would run out of ports.
    static func generatorFactory(_ setup: ClientSetup, part: ClientPlan.Thread, thread: Int) -> (Loop) throws -> LoadGenerator {
        let protocolKind = loadProtocol(setup)
        let callOptions = GRPCCallOptions(
            requests: setup.service?.requests, messagesPerStream: setup.service?.messagesPerStream ?? 0,
            metadata: setup.metadata.map { ($0.name, $0.value) }, deadlineMs: setup.deadlineMs,
            gzip: setup.compression == .gzip)
        let parameters = LoadGenerator.Parameters(
            targets: part.targets.map { LoadGenerator.Target(host: $0.host, port: $0.port) }, connections: part.connections,
            payloadBytes: setup.payloadBytes, protocolKind: protocolKind,
            concurrency: protocolKind == .tcpEcho ? 1 : setup.concurrency,
            ratePerSecond: part.ratePerSecond,
            requestTimeoutMs: setup.requestTimeoutMs, connectTimeoutMs: setup.connectTimeoutMs,
            sourceAddresses: SourceAddresses.forTarget(
                setup.targets.first?.host ?? "", connections: part.connections,
                thread: thread),
            path: setup.service?.path ?? setup.path, callOptions: callOptions,
            connectionLimit: setup.connectionLifetime.map(connectionLimit),
            pauseThresholdNs: setup.pauseThresholdMs * 1_000_000,
            tls: setup.tls)
        let stall = getenv(testStallVariable).map { String(cString: $0) }
        return { loop in
            var parameters = parameters
            if let stall {
                guard let schedule = ClientPlan.testStall(stall) else {
                    throw LoadError.invalidParameter(
                        "\(testStallVariable) must be STALL/PERIOD with the stall shorter than the period, such as 150ms/1s, got '\(stall)'"
                    )
                }
                parameters.testLoopStall = schedule
            }
            return try LoadGenerator(loop: loop, parameters: parameters)
        }
    }

    /// Test only: every load thread blocks its own loop for STALL once every PERIOD
    /// (`150ms/1s`) while load runs — a generator that stalls, whose silences must not be
    /// reported as the server's pauses.
    static let testStallVariable = "BARRAGE_TEST_CLIENT_STALL"

    /// What the worker's connections speak: tcp-echo, or the gRPC call kind of `bench.Echo`'s
    /// `call` or of the user's method.
    static func loadProtocol(_ setup: ClientSetup) -> LoadProtocol {
        switch setup.protocolKind {
        case .tcpEcho: return .tcpEcho
        case .grpc:
            switch setup.service?.kind {
            case nil: return .grpc(setup.call == .stream ? .stream : .unary)
            case .unary: return .grpc(.unary)
            case .serverStreaming: return .grpc(.serverStreaming)
            case .clientStreaming: return .grpc(.clientStreaming)
            case .bidi: return .grpc(.stream)
            }
        }
    }

    /// The load generator's churn limit for the topology's `connection:`.
    static func connectionLimit(_ lifetime: ConnectionLifetime) -> ConnectionLimit {
        switch lifetime {
        case .lifetime(let milliseconds): .lifetime(ns: UInt64(milliseconds) * 1_000_000)
        case .requests(let count): .calls(count)
        }
    }

    /// Connects every thread's share; reports ready, or failed when not one connection could be made.
    func connect(ready: @escaping (ClientReadyReport) -> Void, failed: @escaping (String) -> Void) {
        pending = .connecting(ready: ready, failed: failed)
        broadcast(.connect, asking: .connecting)
    }

    /// Starts load, and progress reports once a second; each second of the window goes to
    /// `interval` once every thread has handed it over (about a second after it ended).
    func start(progress: @escaping (ProgressReport) -> Void, interval: @escaping (ClientInterval) -> Void) {
        sendInterval = interval
        for thread in threads { thread.send(.start) }
        try? progressTimer.start(after: 1000, repeat: 1000) { [unowned self] in
            // Threads answer each tick's question by the next; until then there is nothing to say.
            if let report = self.gathering.progress { progress(report) }
            for thread in self.threads { thread.send(.progress) }
        }
    }

    /// Marks every thread; `done` once all have.
    func mark(_ edge: WindowMark, done: @escaping () -> Void) {
        let now = Loop.hrtime() / 1_000_000
        switch edge {
        case .open:
            windowStartMs = now
            cpuAtStart = ProcessUsage.cpuSeconds()
            hostCPUAtStart = HostProbe.cpuTimes()
        case .close:
            windowEndMs = now
            cpuInWindow = ProcessUsage.cpuSeconds() - cpuAtStart
            if let start = hostCPUAtStart, let end = HostProbe.cpuTimes() {
                hostIdleFraction = HostCPUTimes.idleFraction(from: start, to: end)
            }
        }
        pending = .marking(done: done)
        broadcast(.mark(edge), asking: .marking(edge))
    }

    /// Stops load; `done` gets the window's result.
    func stop(done: @escaping (ClientNodeResult) -> Void) {
        progressTimer.stop()
        merged = WindowCounters()
        pending = .stopping(done: done)
        broadcast(.stop, asking: .stopping)
    }

    /// Ends every load thread (their connections close).
    func shutDown() {
        progressTimer.stop()
        for thread in threads { thread.send(.exit) }
        replies.close()
        tlsFolder?.remove()
    }

    private func broadcast(_ command: LoadThread.Command, asking request: ClientGathering.Request) {
        gathering.ask(request)
        for thread in threads { thread.send(command) }
    }

    private func received(_ index: Int, _ reply: LoadThread.Reply) {
        let report: ThreadReport
        switch reply {
        case .connected(let established, let failures):
            report = .connected(established: established, failures: failures)
        case .marked(let edge):
            report = .marked(edge)
        case .progress(let requests, let errors, let up, let closed, let topError):
            report = .progress(
                ProgressReport(requests: requests, errors: errors, connectionsUp: up, topError: topError), closed: closed)
        case .stopped(var counters):
            guard gathering.request == .stopping else { return }
            let closed = counters.takeClosedIntervals(nowNs: nil)
            merged.add(counters)
            report = .stopped(closed: closed, pauses: counters.pauses)
        }
        for step in gathering.take(report, from: index) { carryOut(step) }
    }

    private func carryOut(_ step: ClientGathering.Step) {
        switch (step, pending) {
        case (.interval(let second), _):
            sendInterval(second)
        case (.ready(let report), .connecting(let ready, _)):
            pending = .none
            ready(report)
        case (.noConnection(let failures), .connecting(_, let failed)):
            pending = .none
            failed(
                LoadSummaryText.noConnection(
                    to: setup.targetsDescription, failures: failures, connectTimeoutMs: setup.connectTimeoutMs))
        case (.marked, .marking(let done)):
            pending = .none
            done()
        case (.stopped(let pausesByThread), .stopping(let done)):
            pending = .none
            done(result(pausesByThread: pausesByThread))
        default:
            break
        }
    }

    private func result(pausesByThread: [[PauseSpan]]) -> ClientNodeResult {
        var result = ClientNodeResult(
            node: setup.node, host: setup.host, connectionsAsked: setup.connections,
            connectionsEstablished: gathering.established, connectFailures: gathering.connectFailures,
            threads: threads.count, window: MeasurementWindow(startMs: windowStartMs, endMs: windowEndMs),
            requests: merged.requests, errors: merged.errors, histogram: merged.histogram,
            cpuSeconds: cpuInWindow, rssPeakBytes: ProcessUsage.peakRSSBytes(), lateSends: merged.lateSends,
            queuedSends: merged.queuedSends, hostIdleFraction: hostIdleFraction,
            hostFacts: HostProbe.facts(name: setup.host), connectionsOpened: merged.connectionsOpened,
            connectHistogram: merged.connectHistogram,
            pauses: PauseSpan.common(pausesByThread, minimumUs: setup.pauseThresholdMs * 1000),
            pauseThresholdMs: setup.pauseThresholdMs, errorMessages: merged.errorMessages)
        result.unfinished = merged.unfinished
        result.unfinishedOldestUs = merged.unfinishedOldestUs
        if plan.countsMessages { result.streams = merged.streams }
        return result
    }
}
