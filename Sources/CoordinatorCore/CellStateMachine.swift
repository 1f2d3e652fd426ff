import Metrics
import Wire

/// The life of one cell as a pure state machine: events in, actions out, no I/O.
///
/// The driver (on the libuv loop) carries out the actions and feeds back what happens;
/// tests drive it with fake events. Order of a healthy cell: servers up → clients up
/// (barrier) → warmup → mark(.open) → measure → mark(.close) → clients stop and report →
/// servers report → every control channel closed → every worker exited. What the machine
/// waits for lives in its phase (`CellPhase`), each worker's standing in `WorkerState`.
public struct CellStateMachine: Sendable {
    /// Name of the server worker node of a cell with one server.
    public static let serverNode = "server"

    public private(set) var phase: CellPhase = .idle
    /// Results gathered so far.
    public private(set) var clientResults: [String: ClientNodeResult] = [:]
    /// Each server's samples, by node.
    public private(set) var serverResults: [String: ServerNodeResult] = [:]
    /// What each server worker said when ready (its port), by node.
    public private(set) var serverReady: [String: ServerReadyReport] = [:]

    private let hosts: [String: String]
    /// Server worker nodes, in the order they start and report.
    public let serverNodes: [String]
    private let clientNodes: [String]
    private let timeouts: CellTimeouts
    private let mode: CellMode
    /// 1-based; every trial after the first warms up for `settleMs` only (the server already did).
    public private(set) var trialNumber = 1
    /// This trial's window length.
    private var measureMs: UInt64
    private var workers: [String: WorkerState]
    private var timerGeneration = 0

    /// A cell with the named server workers (one per replica) and client workers.
    public init(
        servers: [(node: String, host: String)], clients: [(node: String, host: String)],
        timeouts: CellTimeouts, mode: CellMode = .single
    ) {
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

    /// A cell with one server worker (`serverNode`) on `serverHost`.
    public init(
        serverHost: String, clients: [(node: String, host: String)], timeouts: CellTimeouts,
        mode: CellMode = .single
    ) {
        self.init(servers: [(Self.serverNode, serverHost)], clients: clients, timeouts: timeouts, mode: mode)
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
            // An external target's cell starts no server: its clients go first.
            guard !serverNodes.isEmpty else { return startClients() }
            phase = .startingServer
            for server in serverNodes { workers[server] = .spawned }
            return serverNodes.map { .spawnServer(node: $0) } + [armTimer(timeouts.serverReadyMs)]

        case .spawnFailed(let node, let reason):
            workers[node] = .exited
            return fail(.couldNotStart(worker(node), reason: reason))

        case .message(let node, let message):
            return receive(message, from: node)

        case .channelBroken(let node, let reason):
            guard workers[node] != .closing, workers[node] != .exited else { return [] }
            return fail(.channelLost(worker(node), during: phase.label, reason: reason))

        case .exited(let node, let status):
            let wasExpected = workers[node] == .closing
            workers[node] = .exited
            if phase.outcome != nil { return finishIfAllExited() }
            if wasExpected, phase == .betweenTrials, clientNodes.allSatisfy({ workers[$0] == .exited }) {
                timerGeneration += 1
                return [.trialEnded]
            }
            if wasExpected { return [] }
            return fail(.exited(worker(node), status, during: phase.label))

        case .timerFired(let generation):
            guard generation == timerGeneration else { return [] }
            return timerFired()

        case .interrupt(let reason):
            guard phase.outcome == nil else { return [] }
            return finish(.interrupted(reason))

        case .nextTrial(let milliseconds):
            guard phase == .betweenTrials else { return [] }
            trialNumber += 1
            measureMs = milliseconds
            clientResults = [:]
            return startClients()

        case .endTrials:
            guard phase == .betweenTrials else { return [] }
            return collectServers()
        }
    }

    // MARK: - Messages

    private mutating func receive(_ message: WorkerMessage, from node: String) -> [CellAction] {
        guard let state = workers[node], state != .exited else { return [] }
        switch message {
        case .hello(let version, _, _):
            guard version == ControlCodec.protocolVersion else {
                return fail(.protocolMismatch(worker(node), worker: version, coordinator: ControlCodec.protocolVersion))
            }
            guard state == .spawned else { return [] }
            workers[node] = .greeted
            return [.sendSetup(node: node)]

        case .serverReady(let report):
            guard serverNodes.contains(node) else { return unexpected("serverReady", from: node) }
            guard state == .greeted, phase == .startingServer else { return [] }
            workers[node] = .ready
            serverReady[node] = report
            guard serverNodes.allSatisfy({ workers[$0] == .ready }) else { return [] }
            return startClients()

        case .clientReady:
            guard clientNodes.contains(node) else { return unexpected("clientReady", from: node) }
            guard state == .greeted, phase == .startingClients else { return [] }
            workers[node] = .ready
            guard clientNodes.allSatisfy({ workers[$0] == .ready }) else { return [] }
            phase = .warmup
            var warmup = timeouts.warmupMs
            if case .trials(let settleMs) = mode, trialNumber > 1 { warmup = settleMs }
            return clientNodes.map { .send(node: $0, .start) } + [armTimer(warmup)]

        case .marked(let edge):
            return acknowledge(edge, from: node)

        case .clientResult(let result):
            guard case .collectingClients(var awaiting) = phase, awaiting.remove(node) != nil else { return [] }
            // Named from the plan, never from what the worker wrote: its file's name comes from it.
            var result = result
            result.node = node
            clientResults[node] = result
            workers[node] = .closing
            let closing = CellAction.closeControl(node: node)
            guard awaiting.isEmpty else {
                phase = .collectingClients(awaiting: awaiting)
                return [closing]
            }
            switch mode {
            case .trials:
                // The servers live on; the trial ends once its clients have exited.
                phase = .betweenTrials
                return [closing, armTimer(timeouts.gracefulExitMs + timeouts.killMs)]
            case .single:
                return [closing] + collectServers()
            }

        case .serverResult(let result):
            guard serverNodes.contains(node) else { return unexpected("serverResult", from: node) }
            // A failing server worker sends what it sampled before it says why; keep it, named
            // from the plan, never from what the worker wrote: its file's name comes from it.
            var result = result
            result.node = node
            serverResults[node] = result
            guard case .collectingServer(var awaiting) = phase, awaiting.remove(node) != nil else { return [] }
            guard awaiting.isEmpty else {
                phase = .collectingServer(awaiting: awaiting)
                return []
            }
            return finish(.ok)

        case .failed(let reason):
            return fail(.workerFailed(worker(node), during: phase.label, reason: reason))

        case .progress, .building, .interval, .serverSamples:
            // The driver's business (progress lines, files), not the cell's: it does not post them here.
            return []
        }
    }

    /// A `marked` ack: the window edge moves once every node owing one has answered.
    private mutating func acknowledge(_ edge: WindowMark, from node: String) -> [CellAction] {
        switch (edge, phase) {
        case (.open, .openingWindow(var awaiting)):
            guard awaiting.remove(node) != nil else { return [] }
            guard awaiting.isEmpty else {
                phase = .openingWindow(awaiting: awaiting)
                return []
            }
            phase = .measuring
            return [armTimer(measureMs)]
        case (.close, .closingWindow(var awaiting)):
            guard awaiting.remove(node) != nil else { return [] }
            guard awaiting.isEmpty else {
                phase = .closingWindow(awaiting: awaiting)
                return []
            }
            phase = .collectingClients(awaiting: Set(clientNodes))
            return clientNodes.map { .send(node: $0, .stop) } + [armTimer(timeouts.exchangeMs)]
        case (.open, _), (.close, _):
            // An ack for an edge this phase is not waiting for: a late one from before a failure.
            return []
        }
    }

    private mutating func unexpected(_ message: String, from node: String) -> [CellAction] {
        fail(.unexpectedMessage(worker(node), message: message, during: phase.label))
    }

    // MARK: - Timers

    private mutating func timerFired() -> [CellAction] {
        switch phase {
        case .idle, .done:
            return []
        case .startingServer:
            let late = serverNodes.filter { workers[$0] != .ready }.map(worker)
            return fail(.serversNotReady(late, withinMs: timeouts.serverReadyMs))
        case .startingClients:
            let late = clientNodes.filter { workers[$0] != .ready }.map(worker)
            return fail(.clientsNotReady(late, withinMs: timeouts.clientsReadyMs))
        case .warmup:
            return mark(.open)
        case .measuring:
            return mark(.close)
        case .betweenTrials:
            let late = clientNodes.filter { workers[$0] != .exited }.map(worker)
            return fail(.didNotExit(late, trial: trialNumber))
        case .openingWindow(let awaiting), .closingWindow(let awaiting), .collectingClients(let awaiting),
            .collectingServer(let awaiting):
            let late = awaiting.sorted().map(worker)
            return fail(.noAnswer(late, withinMs: timeouts.exchangeMs, during: phase.label))
        case .finishing(let outcome):
            phase = .killing(outcome)
            return liveNodes.map { .kill(node: $0) } + [armTimer(timeouts.killMs)]
        case .killing(let outcome):
            // SIGKILL went out and still no exit report: stop waiting, the driver reaps later.
            phase = .done(outcome)
            return [.finished(outcome)]
        }
    }

    /// Sends `edge` to every worker, servers first, and waits for every ack.
    private mutating func mark(_ edge: WindowMark) -> [CellAction] {
        let everyone = serverNodes + clientNodes
        switch edge {
        case .open: phase = .openingWindow(awaiting: Set(everyone))
        case .close: phase = .closingWindow(awaiting: Set(everyone))
        }
        return everyone.map { .send(node: $0, .mark(edge)) } + [armTimer(timeouts.exchangeMs)]
    }

    private mutating func startClients() -> [CellAction] {
        phase = .startingClients
        for client in clientNodes { workers[client] = .spawned }
        return [.spawnClients, armTimer(timeouts.clientsReadyMs)]
    }

    private mutating func collectServers() -> [CellAction] {
        // Nothing to collect from an external target: Barrage samples no server there.
        guard !serverNodes.isEmpty else { return finish(.ok) }
        phase = .collectingServer(awaiting: Set(serverNodes))
        return serverNodes.map { .send(node: $0, .stop) } + [armTimer(timeouts.exchangeMs)]
    }

    // MARK: - Ending

    private mutating func fail(_ failure: CellFailure) -> [CellAction] {
        guard phase.outcome == nil else { return finishIfAllExited() }
        return finish(.failed(failure))
    }

    /// Closes every live control channel, clients before servers, and waits for the exits.
    private mutating func finish(_ outcome: CellOutcome) -> [CellAction] {
        phase = .finishing(outcome)
        var actions: [CellAction] = []
        for node in clientNodes + serverNodes {
            switch workers[node] {
            case .spawned, .greeted, .ready:
                workers[node] = .closing
                actions.append(.closeControl(node: node))
            case .notStarted, .closing, .exited, nil:
                break
            }
        }
        let done = finishIfAllExited()
        return done.isEmpty ? actions + [armTimer(timeouts.gracefulExitMs)] : actions + done
    }

    private mutating func finishIfAllExited() -> [CellAction] {
        guard let outcome = phase.outcome, !isDone, liveNodes.isEmpty else { return [] }
        phase = .done(outcome)
        timerGeneration += 1
        return [.finished(outcome)]
    }

    private mutating func armTimer(_ milliseconds: UInt64) -> CellAction {
        timerGeneration += 1
        return .startTimer(generation: timerGeneration, milliseconds: milliseconds)
    }

    private func worker(_ node: String) -> WorkerNode {
        WorkerNode(name: node, host: hosts[node] ?? "?")
    }
}
