import Metrics
import Wire

/// The life of one cell as a pure state machine: events in, actions out, no I/O.
///
/// The driver (on the libuv loop) carries out the actions and feeds back what happens;
/// tests drive it with fake events. Order of a healthy cell: every server replica up →
/// clients up (barrier) → warmup → mark 1 → measure → mark 2 → clients stop and report →
/// servers report → every control channel closed → every worker exited.
public struct CellStateMachine: Sendable {
    public private(set) var phase: CellPhase = .idle
    /// Results gathered so far, by node.
    public private(set) var clientResults: [String: ClientNodeResult] = [:]
    public private(set) var serverResults: [String: ServerNodeResult] = [:]
    /// What each server worker said when ready (its port), by node.
    public private(set) var serversReady: [String: ReadyReport] = [:]

    private let hosts: [String: String]
    /// The server replicas' nodes, in replica order.
    public let serverNodes: [String]
    private let clientNodes: [String]
    private let timeouts: CellTimeouts
    private let mode: CellMode
    /// 1-based; every trial after the first warms up for `settleMs` only (the server already did).
    public private(set) var trialNumber = 1
    /// This trial's window length.
    private var measureMs: UInt64
    private var workers: [String: WorkerState]
    private var pendingAcks: Set<String> = []
    private var timerGeneration = 0
    /// True once SIGKILL went out in `finishing`: the next timer gives up waiting.
    private var killed = false

    /// A cell with the named server workers (one per replica) and client workers.
    public init(servers: [(node: String, host: String)], clients: [(node: String, host: String)],
                timeouts: CellTimeouts, mode: CellMode = .single) {
        self.mode = mode
        self.measureMs = timeouts.measureMs
        var hosts: [String: String] = [:]
        for worker in servers + clients { hosts[worker.node] = worker.host }
        self.hosts = hosts
        self.serverNodes = servers.map(\.node)
        self.clientNodes = clients.map(\.node)
        self.timeouts = timeouts
        self.workers = hosts.mapValues { _ in .notStarted }
    }

    /// True once the cell has ended.
    public var isDone: Bool {
        if case .done = phase { return true }
        return false
    }

    /// Nodes whose processes may still be running.
    public var liveNodes: [String] {
        (serverNodes + clientNodes).filter {
            let state = workers[$0]
            return state != .notStarted && state != .exited
        }
    }

    /// Feeds one event; returns what the driver must do, in order.
    public mutating func handle(_ event: CellEvent) -> [CellAction] {
        switch event {
        case .begin:
            guard phase == .idle else { return [] }
            phase = .startingServer
            for server in serverNodes { workers[server] = .spawned }
            return [.spawnServers, armTimer(timeouts.serverReadyMs)]

        case .spawnFailed(let node, let reason):
            workers[node] = .exited
            return fail("\(describe(node)) could not be started: \(reason)")

        case .message(let node, let message):
            return receive(message, from: node)

        case .channelBroken(let node, let reason):
            guard workers[node] != .closing, workers[node] != .exited else { return [] }
            return fail("lost the control channel of \(describe(node)) during \(phase.label): \(reason)")

        case .exited(let node, let status):
            let wasExpected = workers[node] == .closing
            workers[node] = .exited
            if case .finishing = phase { return finishIfAllExited() }
            if wasExpected, phase == .betweenTrials, clientNodes.allSatisfy({ workers[$0] == .exited }) {
                timerGeneration += 1
                return [.trialEnded]
            }
            if wasExpected { return [] }
            return fail("\(describe(node)) \(status) during \(phase.label)")

        case .timerFired(let generation):
            guard generation == timerGeneration else { return [] }
            return timerFired()

        case .interrupt(let reason):
            switch phase {
            case .finishing, .done: return []
            default: return finish(.interrupted(reason))
            }

        case .nextTrial(let milliseconds):
            guard phase == .betweenTrials else { return [] }
            trialNumber += 1
            measureMs = milliseconds
            clientResults = [:]
            phase = .startingClients
            for client in clientNodes { workers[client] = .spawned }
            return [.spawnClients, armTimer(timeouts.clientsReadyMs)]

        case .endTrials:
            guard phase == .betweenTrials else { return [] }
            return collectServers()
        }
    }

    // MARK: - Messages

    private mutating func receive(_ message: ControlMessage, from node: String) -> [CellAction] {
        guard let state = workers[node], state != .exited else { return [] }
        switch message {
        case .hello(let version, _, _):
            guard version == ControlCodec.protocolVersion else {
                return fail("\(describe(node)) speaks control protocol \(version), this coordinator \(ControlCodec.protocolVersion): deploy the same barrage build everywhere")
            }
            guard state == .spawned else { return [] }
            workers[node] = .greeted
            return [.sendSetup(node: node)]

        case .ready(let report):
            guard state == .greeted else { return [] }
            workers[node] = .ready
            if serverNodes.contains(node), phase == .startingServer {
                serversReady[node] = report
                // Clients start once every replica accepts: a client connects to all of them.
                guard serverNodes.allSatisfy({ workers[$0] == .ready }) else { return [] }
                phase = .startingClients
                for client in clientNodes { workers[client] = .spawned }
                return [.spawnClients, armTimer(timeouts.clientsReadyMs)]
            }
            if phase == .startingClients, clientNodes.allSatisfy({ workers[$0] == .ready }) {
                phase = .warmup
                var warmup = timeouts.warmupMs
                if case .trials(let settleMs) = mode, trialNumber > 1 { warmup = settleMs }
                return clientNodes.map { .send(node: $0, .start) } + [armTimer(warmup)]
            }
            return []

        case .marked(let index):
            guard pendingAcks.contains(node) else { return [] }
            pendingAcks.remove(node)
            guard pendingAcks.isEmpty else { return [] }
            if index == 1, phase == .openingWindow {
                phase = .measuring
                return [armTimer(measureMs)]
            }
            if index == 2, phase == .closingWindow {
                phase = .collectingClients
                pendingAcks = Set(clientNodes)
                return clientNodes.map { .send(node: $0, .stop) } + [armTimer(timeouts.exchangeMs)]
            }
            return []

        case .clientResult(let result):
            guard phase == .collectingClients, pendingAcks.contains(node) else { return [] }
            clientResults[node] = result
            pendingAcks.remove(node)
            workers[node] = .closing
            var actions: [CellAction] = [.closeControl(node: node)]
            if pendingAcks.isEmpty, case .trials = mode {
                // The server lives on; the trial ends once its clients have exited.
                phase = .betweenTrials
                actions.append(armTimer(timeouts.gracefulExitMs + timeouts.killMs))
            } else if pendingAcks.isEmpty {
                actions += collectServers()
            }
            return actions

        case .serverResult(let result):
            guard serverNodes.contains(node) else { return [] }
            // A failing server worker sends what it sampled before it says why; keep it.
            serverResults[node] = result
            guard phase == .collectingServer, pendingAcks.contains(node) else { return [] }
            pendingAcks.remove(node)
            return pendingAcks.isEmpty ? finish(.ok) : []

        case .failed(let reason):
            return fail("\(describe(node)) failed during \(phase.label): \(reason)")

        case .progress, .building, .setupServer, .setupClient, .start, .mark, .stop, .heartbeat:
            return []
        }
    }

    // MARK: - Timers

    private mutating func timerFired() -> [CellAction] {
        switch phase {
        case .idle, .done:
            return []
        case .startingServer:
            let late = serverNodes.filter { workers[$0] != .ready }.map(describe)
            return fail("\(late.joined(separator: ", ")) \(late.count == 1 ? "was" : "were") not ready within \(seconds(timeouts.serverReadyMs)): the system did not accept TCP connections (see its log)")
        case .startingClients:
            let late = clientNodes.filter { workers[$0] != .ready }.map(describe)
            return fail("\(late.joined(separator: ", ")) not ready within \(seconds(timeouts.clientsReadyMs))")
        case .warmup:
            return openWindow(index: 1, next: .openingWindow)
        case .measuring:
            return openWindow(index: 2, next: .closingWindow)
        case .betweenTrials:
            let late = clientNodes.filter { workers[$0] != .exited }.map(describe)
            return fail("\(late.joined(separator: ", ")) did not exit after trial \(trialNumber)")
        case .openingWindow, .closingWindow, .collectingClients, .collectingServer:
            let late = pendingAcks.sorted().map(describe)
            return fail("\(late.joined(separator: ", ")) did not answer within \(seconds(timeouts.exchangeMs)) during \(phase.label)")
        case .finishing(let outcome):
            if killed {
                // SIGKILL went out and still no exit report: stop waiting, the driver reaps later.
                phase = .done(outcome)
                return [.finished(outcome)]
            }
            killed = true
            return liveNodes.map { .kill(node: $0) } + [armTimer(timeouts.killMs)]
        }
    }

    private mutating func openWindow(index: Int, next: CellPhase) -> [CellAction] {
        phase = next
        let everyone = serverNodes + clientNodes
        pendingAcks = Set(everyone)
        return everyone.map { .send(node: $0, .mark(index: index)) } + [armTimer(timeouts.exchangeMs)]
    }

    /// Asks every server replica for its samples.
    private mutating func collectServers() -> [CellAction] {
        phase = .collectingServer
        pendingAcks = Set(serverNodes)
        return serverNodes.map { .send(node: $0, .stop) } + [armTimer(timeouts.exchangeMs)]
    }

    // MARK: - Ending

    private mutating func fail(_ reason: String) -> [CellAction] {
        switch phase {
        case .finishing, .done:
            return finishIfAllExited()
        default:
            return finish(.failed(reason))
        }
    }

    /// Closes every live control channel, clients before the servers, and waits for the exits.
    private mutating func finish(_ outcome: CellOutcome) -> [CellAction] {
        phase = .finishing(outcome)
        pendingAcks = []
        var actions: [CellAction] = []
        for node in clientNodes + serverNodes {
            switch workers[node] {
            case .spawned, .greeted, .ready:
                workers[node] = .closing
                actions.append(.closeControl(node: node))
            default:
                break
            }
        }
        let done = finishIfAllExited()
        return done.isEmpty ? actions + [armTimer(timeouts.gracefulExitMs)] : actions + done
    }

    private mutating func finishIfAllExited() -> [CellAction] {
        guard case .finishing(let outcome) = phase, liveNodes.isEmpty else { return [] }
        phase = .done(outcome)
        timerGeneration += 1
        return [.finished(outcome)]
    }

    private mutating func armTimer(_ milliseconds: UInt64) -> CellAction {
        timerGeneration += 1
        return .startTimer(generation: timerGeneration, milliseconds: milliseconds)
    }

    private func describe(_ node: String) -> String {
        "\(node) on \(hosts[node] ?? "?")"
    }

    private func seconds(_ milliseconds: UInt64) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
