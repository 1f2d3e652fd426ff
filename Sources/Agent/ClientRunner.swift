import Glibc
import Load
import Metrics
import Serve
import TLSSettings
import Topology
import UV
import Wire

/// The client worker's job: spread its connections over `threads` load threads, connect,
/// run load when told, pass each second of the window on once every thread has handed it
/// over, and report the window with every thread's counters merged once.
final class ClientRunner {
    private enum Pending {
        case none
        case connecting(ready: (ClientReadyReport) -> Void, failed: (String) -> Void)
        case marking(WindowMark, done: () -> Void)
        case stopping(done: (ClientNodeResult) -> Void)
    }

    private let setup: ClientSetup
    private var threads: [LoadThread] = []
    private var replies: Mailbox<(Int, LoadThread.Reply)>!
    private let progressTimer: Timer
    private var pending: Pending = .none
    private var answered: Set<Int> = []
    private var established = 0
    private var connectFailures: [String: UInt64] = [:]
    private var merged = WindowCounters()
    /// Each load thread's pauses, by thread, for the threads that had connections.
    private var threadPauses: [Int: [PauseSpan]] = [:]
    /// Connections per thread.
    private let shares: [Int]
    private var latestProgress: [Int: ProgressReport] = [:]
    /// Seconds some threads have handed over, with how many have: each leaves once all have.
    private var partialSeconds: [Int: (interval: ClientInterval, threads: Int)] = [:]
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
        let shares = ConnectionSplit.shares(total: setup.connections, parts: max(1, setup.threads))
        self.shares = shares
        // Each thread's part of the worker's rate, decided once: the parts add up to the rate exactly.
        let rates = setup.ratePerSecond.map { ConnectionSplit.rateShares(total: $0, connections: shares) }
        progressTimer = try Timer(loop: loop)
        replies = try Mailbox(loop: loop) { [unowned self] message in self.received(message.0, message.1) }
        let post: @Sendable (Int, LoadThread.Reply) -> Void = { [replies] index, reply in replies!.post((index, reply)) }
        var first = 0
        do {
            for (index, connections) in shares.enumerated() {
                let make = Self.generatorFactory(
                    setup, connections: connections, ratePerSecond: rates.map { $0[index] ?? 0 }, thread: index,
                    firstConnection: first)
                first += connections
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

    /// Builds, on a load thread, the generator for its share of `setup`: one protocol-agnostic
    /// worker whatever the protocol, its connections spread over source addresses when one
    /// address would run out of ports. `firstConnection` is the worker-wide number of the
    /// thread's first connection: the thread starts its round-robin over the targets there,
    /// so the worker's connections as a whole take the targets in turn. `ratePerSecond` is the
    /// thread's part of the worker's open-loop rate (0 for a thread without connections).
    static func generatorFactory(
        _ setup: ClientSetup, connections: Int, ratePerSecond: Double?, thread: Int,
        firstConnection: Int
    ) -> (Loop) throws -> LoadGenerator {
        let protocolKind = loadProtocol(setup)
        let callOptions = GRPCCallOptions(
            requests: setup.service?.requests, messagesPerStream: setup.service?.messagesPerStream ?? 0,
            metadata: setup.metadata.map { ($0.name, $0.value) }, deadlineMs: setup.deadlineMs,
            gzip: setup.compression == .gzip)
        let targets = setup.targets.map { LoadGenerator.Target(host: $0.host, port: $0.port) }
        let parameters = LoadGenerator.Parameters(
            targets: ConnectionSplit.rotated(targets, firstConnection: firstConnection), connections: connections,
            payloadBytes: setup.payloadBytes, protocolKind: protocolKind,
            concurrency: protocolKind == .tcpEcho ? 1 : setup.concurrency,
            ratePerSecond: ratePerSecond,
            requestTimeoutMs: setup.requestTimeoutMs, connectTimeoutMs: setup.connectTimeoutMs,
            sourceAddresses: SourceAddresses.forTarget(
                setup.targets.first?.host ?? "", connections: connections,
                thread: thread),
            path: setup.service?.path ?? setup.path, callOptions: callOptions,
            connectionLimit: setup.connectionLifetime.map(connectionLimit),
            pauseThresholdNs: setup.pauseThresholdMs * 1_000_000,
            tls: setup.tls)
        let stall = getenv(testStallVariable).map { String(cString: $0) }
        return { loop in
            var parameters = parameters
            if let stall {
                guard let schedule = testStall(stall) else {
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

    /// STALL/PERIOD in nanoseconds; nil unless both are durations and the stall is shorter.
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

    /// Whether each call is a stream whose messages are the counted requests (SPEC: "for
    /// streaming methods `requests` counts messages"), so the node file says how many streams.
    static func countsMessages(_ setup: ClientSetup) -> Bool {
        switch loadProtocol(setup) {
        case .tcpEcho, .grpc(.unary): return false
        case .grpc(.stream), .grpc(.serverStreaming), .grpc(.clientStreaming): return true
        }
    }

    static func testStall(_ text: String) -> (durationNs: UInt64, periodNs: UInt64)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let stall = Workload.milliseconds(of: parts[0]), let period = Workload.milliseconds(of: parts[1]),
            stall > 0, period > stall
        else { return nil }
        return (UInt64(stall) * 1_000_000, UInt64(period) * 1_000_000)
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
        broadcast(.connect)
    }

    /// Starts load, and progress reports once a second; each second of the window goes to
    /// `interval` once every thread has handed it over (about a second after it ended).
    func start(progress: @escaping (ProgressReport) -> Void, interval: @escaping (ClientInterval) -> Void) {
        sendInterval = interval
        broadcast(.start)
        try? progressTimer.start(after: 1000, repeat: 1000) { [unowned self] in
            // Threads answer each tick's question by the next; until then there is nothing to say.
            let reports = self.latestProgress.values
            if !reports.isEmpty {
                progress(
                    ProgressReport(
                        requests: reports.reduce(0) { $0 + $1.requests },
                        errors: reports.reduce(0) { $0 + $1.errors },
                        connectionsUp: reports.reduce(0) { $0 + $1.connectionsUp },
                        topError: ErrorSample.combined(reports.compactMap(\.topError))))
            }
            self.broadcast(.progress)
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
        pending = .marking(edge, done: done)
        broadcast(.mark(edge))
    }

    /// Stops load; `done` gets the window's result.
    func stop(done: @escaping (ClientNodeResult) -> Void) {
        progressTimer.stop()
        merged = WindowCounters()
        threadPauses = [:]
        pending = .stopping(done: done)
        broadcast(.stop)
    }

    /// Ends every load thread (their connections close).
    func shutDown() {
        progressTimer.stop()
        for thread in threads { thread.send(.exit) }
        replies.close()
        tlsFolder?.remove()
    }

    private func broadcast(_ command: LoadThread.Command) {
        answered = []
        for thread in threads { thread.send(command) }
    }

    private func received(_ index: Int, _ reply: LoadThread.Reply) {
        switch (reply, pending) {
        case (.progress(let requests, let errors, let up, let closed, let topError), _):
            latestProgress[index] = ProgressReport(
                requests: requests, errors: errors, connectionsUp: up, topError: topError)
            gather(closed)
        case (.connected(let up, let failures), .connecting(let ready, let failed)):
            established += up
            connectFailures.merge(failures, uniquingKeysWith: +)
            guard allAnswered(index) else { return }
            pending = .none
            if established == 0 {
                failed(
                    LoadSummaryText.noConnection(
                        to: setup.targetsDescription, failures: connectFailures,
                        connectTimeoutMs: setup.connectTimeoutMs))
            } else {
                latestProgress = [:]
                ready(ClientReadyReport(connectionsEstablished: established, connectFailures: connectFailures))
            }
        case (.marked(let edge), .marking(let expected, let done)) where edge == expected:
            guard allAnswered(index) else { return }
            pending = .none
            done()
        case (.stopped(var counters), .stopping(let done)):
            gather(counters.takeClosedIntervals(nowNs: nil))
            merged.add(counters)
            // A thread without connections heard nothing because it asked nothing.
            if shares.indices.contains(index), shares[index] > 0 { threadPauses[index] = counters.pauses }
            guard allAnswered(index) else { return }
            pending = .none
            // The last seconds go out whole or not, ahead of the result.
            for second in partialSeconds.keys.sorted() { sendInterval(partialSeconds[second]!.interval) }
            partialSeconds = [:]
            done(result())
        default:
            break
        }
    }

    /// Adds threads' seconds; sends on each second every thread has now handed over.
    private func gather(_ intervals: [ClientInterval]) {
        for interval in intervals {
            var entry = partialSeconds[interval.second] ?? (ClientInterval(second: interval.second, counts: IntervalCounts()), 0)
            entry.interval.add(interval)
            entry.threads += 1
            if entry.threads == threads.count {
                partialSeconds[interval.second] = nil
                sendInterval(entry.interval)
            } else {
                partialSeconds[interval.second] = entry
            }
        }
    }

    private func allAnswered(_ index: Int) -> Bool {
        answered.insert(index)
        return answered.count == threads.count
    }

    private func result() -> ClientNodeResult {
        var result = ClientNodeResult(
            node: setup.node, host: setup.host, connectionsAsked: setup.connections,
            connectionsEstablished: established, connectFailures: connectFailures,
            threads: threads.count, window: MeasurementWindow(startMs: windowStartMs, endMs: windowEndMs),
            requests: merged.requests, errors: merged.errors, histogram: merged.histogram,
            cpuSeconds: cpuInWindow, rssPeakBytes: ProcessUsage.peakRSSBytes(), lateSends: merged.lateSends,
            queuedSends: merged.queuedSends, hostIdleFraction: hostIdleFraction,
            hostFacts: HostProbe.facts(name: setup.host), connectionsOpened: merged.connectionsOpened,
            connectHistogram: merged.connectHistogram,
            pauses: PauseSpan.common(
                threadPauses.sorted { $0.key < $1.key }.map(\.value), minimumUs: setup.pauseThresholdMs * 1000),
            pauseThresholdMs: setup.pauseThresholdMs, errorMessages: merged.errorMessages)
        result.unfinished = merged.unfinished
        result.unfinishedOldestUs = merged.unfinishedOldestUs
        if Self.countsMessages(setup) { result.streams = merged.streams }
        return result
    }
}
