import Glibc
import Launch
import Metrics
import Report
import Topology
import UV
import Wire

/// Carries out a plan on one libuv loop: cell after cell, each through its
/// `CellStateMachine`, writing each cell's results as it ends.
///
/// This is the only place where the run's I/O happens; every decision is the state
/// machine's. Events are queued and handled one at a time, so an action that fails
/// synchronously (a spawn) feeds back without re-entering the machine.
public final class RunDriver {
    /// How the whole run ended.
    public private(set) var summary: RunSummary

    private let plan: Plan
    private let options: RunOptions
    private let loop: Loop
    private let results: ResultsDirectory
    private let cellTimer: Timer
    private let progressTimer: Timer
    private let nextCellTimer: Timer
    private let interruptSignal: Signal
    private let terminateSignal: Signal
    private var progress: ProgressPrinter

    private var cellIndex = -1
    private var machine: CellStateMachine?
    private var workers: [String: WorkerProcess] = [:]
    private var serverProcessGroup: Int32?
    /// The system whose recipe the server worker said it is building, this cell.
    private var buildingSystem: String?
    private var queue: [CellEvent] = []
    private var draining = false
    private var interruption: String?
    private var builtContainers: Set<String> = []
    /// The open-loop rate this cell's clients are set up with (a search changes it per trial).
    private var currentRate: Double?
    /// The running capacity search of a `rate: search` cell.
    private var search: CapacitySearch?
    /// What the search found, once it ended.
    private var searchResult: CapacitySearch.Result?

    public init(plan: Plan, options: RunOptions) throws {
        self.plan = plan
        self.options = options
        loop = try Loop()
        results = try ResultsDirectory(path: options.resultsPath, topologyText: options.topologyText)
        cellTimer = try Timer(loop: loop)
        progressTimer = try Timer(loop: loop)
        nextCellTimer = try Timer(loop: loop)
        interruptSignal = try Signal(loop: loop)
        terminateSignal = try Signal(loop: loop)
        progress = ProgressPrinter(quiet: options.quiet, cellCount: plan.cells.count)
        summary = RunSummary(barrage: BarrageVersion.current, topology: plan.topology.name,
                             started: Self.timestamp(), status: .ok, cells: [],
                             barrageCommit: SourceCommit.of(executable: options.selfExecutable),
                             topologySHA256: SHA256.hex(Array(options.topologyText.utf8)))
        summary.decisionLoadPerSecond = plan.topology.decision?.loadPerSecond
    }

    /// Runs every cell (or until interrupted); returns the final summary, also written to disk.
    public func run() -> RunSummary {
        ignoreSIGPIPE()
        for (watcher, signal) in [(interruptSignal, SIGINT), (terminateSignal, SIGTERM)] {
            try? watcher.start(signal) { [unowned self] _ in self.interrupt("interrupted by \(PreparationInterrupt.describe(signal))") }
        }
        // One that came after preparation's last look and before these watchers.
        if let signal = PreparationInterrupt.caughtName { interrupt("interrupted by \(signal)") }
        try? progressTimer.start(after: 1000, repeat: 1000) { [unowned self] in self.showProgress() }
        try? results.writeSummary(summary)
        startNextCell()
        loop.run()
        loop.closeAll()
        return summary
    }

    // MARK: - Cells

    private func startNextCell() {
        cellIndex += 1
        guard interruption == nil, cellIndex < plan.cells.count else {
            finishRun()
            return
        }
        let cell = plan.cells[cellIndex]
        var timeouts = CellTimeouts(
            warmupMs: UInt64(cell.workload.warmupMilliseconds),
            measureMs: UInt64(cell.workload.durationMilliseconds),
            serverReadyMs: builtContainers.contains(cell.system.container) || cell.system.isBuiltin ? 60_000 : 900_000)
        var mode = CellMode.single
        currentRate = cell.rate.offeredPerSecond
        search = nil
        searchResult = nil
        if case .search(let settings) = cell.rate {
            var capacitySearch = CapacitySearch(settings: settings)
            if case .trial(let rate) = capacitySearch.start() { currentRate = rate }
            search = capacitySearch
            timeouts.measureMs = UInt64(settings.trialMilliseconds)
            mode = .trials(settleMs: UInt64(SearchSettings.trialSettleMilliseconds))
        }
        machine = CellStateMachine(serverHost: cell.server.host.name,
                                   clients: cell.clients.map { ($0.name, $0.host.name) }, timeouts: timeouts, mode: mode)
        workers = [:]
        serverProcessGroup = nil
        buildingSystem = nil
        progress.cellStarted(number: cellIndex + 1, label: cell.label, connections: cell.connections,
                             warmupSeconds: Double(timeouts.warmupMs) / 1000, measureSeconds: Double(timeouts.measureMs) / 1000)
        post(.begin)
    }

    private func post(_ event: CellEvent) {
        queue.append(event)
        guard !draining else { return }
        draining = true
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard var current = machine else { continue }
            let actions = current.handle(next)
            machine = current
            progress.phase(phaseLabel(current.phase))
            for action in actions { execute(action) }
        }
        draining = false
    }

    private func execute(_ action: CellAction) {
        let cell = plan.cells[cellIndex]
        switch action {
        case .spawnServer:
            spawn(node: CellStateMachine.serverNode, cell: cell)
        case .spawnClients:
            for client in cell.clients {
                // A trial after the first replaces the last trial's (exited) client workers.
                workers.removeValue(forKey: client.name)?.release()
                spawn(node: client.name, cell: cell)
            }
        case .sendSetup(let node):
            workers[node]?.send(setupMessage(for: node, cell: cell))
        case .send(let node, let message):
            workers[node]?.send(message)
        case .startTimer(let generation, let milliseconds):
            try? cellTimer.start(after: milliseconds) { [unowned self] in self.post(.timerFired(generation: generation)) }
        case .closeControl(let node):
            workers[node]?.closeControl()
        case .kill(let node):
            workers[node]?.kill(SIGKILL)
            if node == CellStateMachine.serverNode { killServerGroup() }
        case .trialEnded:
            trialEnded(cell)
        case .finished(let outcome):
            cellTimer.stop()
            finishCell(cell, outcome: outcome)
        }
    }

    private func spawn(node: String, cell: CellPlan) {
        let index = cellIndex
        let host = node == CellStateMachine.serverNode ? cell.server.host : cell.clients.first { $0.name == node }!.host
        var executable = options.selfExecutable
        var arguments = ["worker"]
        if let remote = options.remoteHosts[host.name] {
            executable = options.sshExecutable
            arguments = remote.workerArguments
        }
        do {
            // Each trial's clients are new processes: one log each, beside the server's one.
            let trial = machine?.trialNumber ?? 1
            let logName = search != nil && node != CellStateMachine.serverNode && trial > 1 ? "\(node)-trial\(trial)" : node
            let log = try results.logPath(cell: cell.id, node: logName)
            workers[node] = try WorkerProcess(
                loop: loop, node: node, executable: executable, arguments: arguments, logPath: log,
                onMessage: { [unowned self] message in
                    guard self.cellIndex == index else { return }
                    self.received(message, from: node)
                },
                onChannelEnd: { [unowned self] end in
                    guard self.cellIndex == index, case .broken(let reason) = end else { return }
                    self.post(.channelBroken(node: node, reason: reason))
                },
                onExit: { [unowned self] status in
                    guard self.cellIndex == index else { return }
                    self.post(.exited(node: node, status: status.description))
                })
        } catch {
            post(.spawnFailed(node: node, reason: "\(error)"))
        }
    }

    private func received(_ message: ControlMessage, from node: String) {
        switch message {
        case .progress(let report):
            progress.clientReported(node: node, report)
        case .building(let system):
            // Not the state machine's business: the server's ready deadline covers the build.
            buildingSystem = system
        case .ready(let report):
            if node == CellStateMachine.serverNode { serverProcessGroup = report.serverProcessGroup }
            if let up = report.connectionsEstablished { progress.clientReported(node: node, ProgressReport(requests: 0, errors: 0, connectionsUp: up)) }
            post(.message(node: node, message))
        default:
            post(.message(node: node, message))
        }
    }

    private func setupMessage(for node: String, cell: CellPlan) -> ControlMessage {
        let workload = cell.workload
        if node == CellStateMachine.serverNode {
            let remote = options.remoteHosts[cell.server.host.name]
            var container = cell.system.isBuiltin ? "builtin" : "\(options.containersDirectory)/\(cell.system.container)"
            var buildDirectory = "\(options.buildCacheDirectory)/\(cell.system.container)"
            if let remote {
                // Relative to the remote worker's working directory, its home.
                if let hash = remote.recipes[cell.system.container] {
                    container = Deployer.remoteRecipe(hash: hash, name: cell.system.container)
                }
                buildDirectory = ".cache/barrage/build/\(cell.system.container)"
            }
            let runBuild = builtContainers.insert(cell.system.container).inserted
            return .setupServer(ServerSetup(
                node: node, host: cell.server.host.name, system: cell.system.name, container: container,
                protocolKind: workload.protocolKind, bindHost: Self.bindHost(cell.server.host),
                port: cell.server.port, environment: cell.system.env.map { EnvironmentPair(name: $0.name, value: $0.value) },
                buildDirectory: buildDirectory, runBuild: runBuild,
                readyTimeoutMs: 60_000, sampleIntervalMs: 100, cellID: cell.id, limits: cell.limits))
        }
        let client = cell.clients.first { $0.name == node }!
        let totalConnections = max(1, cell.connections)
        var rate: Double?
        if let total = currentRate { rate = total * Double(client.connections) / Double(totalConnections) }
        return .setupClient(ClientSetup(
            node: node, host: client.host.name, targetHost: Self.address(of: cell.server.host),
            targetPort: machine?.serverReady?.port ?? cell.server.port, protocolKind: workload.protocolKind,
            call: workload.call, payloadBytes: workload.payloadBytes, connections: client.connections,
            concurrency: workload.concurrency, threads: client.threads, ratePerSecond: rate,
            requestTimeoutMs: 10_000, connectTimeoutMs: 10_000))
    }

    /// Where clients reach a server on `host`.
    /// Where the server listens: loopback on this machine unless the host has an `address`
    /// (clients elsewhere reach it there), every interface on an ssh host.
    static func bindHost(_ host: Host) -> String {
        host.isLocal && host.address == nil ? "127.0.0.1" : "0.0.0.0"
    }

    static func address(of host: Host) -> String {
        if let address = host.address { return address }
        return host.ssh?.host ?? "127.0.0.1"
    }

    /// SIGKILLs the system under test's process group — on this machine only; a remote one is
    /// its worker's to kill when the ssh session ends.
    private func killServerGroup() {
        guard cellIndex < plan.cells.count, options.remoteHosts[plan.cells[cellIndex].server.host.name] == nil else { return }
        if let group = serverProcessGroup, group > 0 { Glibc.kill(-group, SIGKILL) }
    }

    private func finishCell(_ cell: CellPlan, outcome: CellOutcome) {
        // Whatever the workers did, the system under test must not outlive its cell.
        killServerGroup()
        for worker in workers.values { worker.release() }
        workers = [:]
        let status: CellStatus
        let error: String?
        switch outcome {
        case .ok: (status, error) = (.ok, nil)
        case .failed(let reason): (status, error) = (.failed, reason)
        case .interrupted(let reason): (status, error) = (.interrupted, reason)
        }
        let capacity = searchResult.map { capacityEntry(cell, $0) }
        let record = CellRecord(id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
                                repeatIndex: cell.repeatIndex, status: status, error: error,
                                clientWorkers: cell.clients.count, threadsPerWorker: cell.clients.first?.threads)
            .with(scenario: cell.scenario, cpus: cell.cpus, ratePerSecond: currentRate, slo: cell.workload.slo,
                  capacity: capacity)
        if let capacity { summary.capacity.append(capacity) }
        let clients = cell.clients.compactMap { machine?.clientResults[$0.name] }
        let server = machine?.serverResult
        let cellSummary = CellAggregator.summarize(record: record, servers: server.map { [$0] } ?? [], clients: clients)
        summary.cells.append(cellSummary)
        summary.noteProvenance(servers: server.map { [$0] } ?? [], clients: clients, systemOrder: plan.topology.systems.map(\.name))
        summary.status = Self.status(of: summary.cells, interrupted: interruption != nil)
        do {
            try results.writeCell(record: record, server: server, clients: clients)
            try results.writeSummary(summary)
        } catch {
            StandardError.write("barrage: could not write results of \(cell.id) to \(results.path): \(error)\n")
        }
        progress.cellEnded(cellSummary)
        machine = nil
        // Leave the event drain before the next cell starts.
        try? nextCellTimer.start(after: 0) { [unowned self] in self.startNextCell() }
    }

    // MARK: - Capacity search

    /// A trial's clients are done: judge the trial, say so, and run the next or end the cell.
    private func trialEnded(_ cell: CellPlan) {
        guard var capacitySearch = search, let machine, let slo = cell.workload.slo else {
            post(.endTrials)
            return
        }
        let record = CellRecord(id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
                                repeatIndex: cell.repeatIndex, status: .ok, clientWorkers: cell.clients.count)
        let clients = cell.clients.compactMap { machine.clientResults[$0.name] }
        let trial = CellAggregator.summarize(record: record, servers: [], clients: clients)
        let outcome = CapacitySearch.TrialOutcome(trial, slo: slo)
        progress.note(TrialLine.text(cell: cell, trial: machine.trialNumber, ratePerSecond: currentRate ?? 0, outcome: outcome))
        let action = capacitySearch.record(outcome)
        search = capacitySearch
        switch action {
        case .trial(let rate):
            currentRate = rate
            post(.nextTrial(measureMs: UInt64(cell.workload.searchTrialMilliseconds)))
        case .confirm(let rate):
            currentRate = rate
            post(.nextTrial(measureMs: UInt64(cell.workload.durationMilliseconds)))
        case .done(let result):
            searchResult = result
            post(.endTrials)
        }
    }

    private func capacityEntry(_ cell: CellPlan, _ result: CapacitySearch.Result) -> CapacityEntry {
        CapacityEntry(cell: cell.id, scenario: cell.scenario, system: cell.system.name, cpus: cell.cpus,
                      connections: cell.connections, ratePerSecond: result.ratePerSecond, confirmed: result.confirmed,
                      limitedByGenerator: result.limitedByGenerator, note: result.note, trials: result.trials)
    }

    private func finishRun() {
        summary.status = Self.status(of: summary.cells, interrupted: interruption != nil)
        try? results.writeSummary(summary)
        progress.finished()
        progressTimer.stop()
        interruptSignal.close()
        terminateSignal.close()
        loop.stop()
    }

    private func interrupt(_ reason: String) {
        if interruption != nil {
            // A second Ctrl-C: no more waiting for graceful exits.
            StandardError.write("\nbarrage: killing every worker now\n")
            for worker in workers.values { worker.kill(SIGKILL) }
            killServerGroup()
            return
        }
        interruption = reason
        StandardError.write("\nbarrage: \(reason): stopping clients, then the server; finished cells are kept\n")
        if machine != nil { post(.interrupt(reason: reason)) }
    }

    private func showProgress() {
        // Workers take a silent coordinator for gone; tell them every second that it is not.
        for worker in workers.values { worker.send(.heartbeat) }
        guard let machine else { return }
        progress.tick(phase: phaseLabel(machine.phase))
    }

    /// The phase as progress lines name it: a server starting while its recipe builds says so,
    /// since a first build can take minutes.
    private func phaseLabel(_ phase: CellPhase) -> String {
        if phase == .startingServer, let buildingSystem { return "building \(buildingSystem)" }
        if search != nil, let machine, phase != .startingServer {
            return "trial \(machine.trialNumber) · \(CapacitySearch.rateText(currentRate ?? 0))/s · \(phase.label)"
        }
        return phase.label
    }

    static func status(of cells: [CellSummary], interrupted: Bool) -> RunStatus {
        if interrupted { return .interrupted }
        return cells.allSatisfy { $0.status == .ok } ? .ok : .failed
    }

    /// Now, as `2026-11-25T08:00:00Z`.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
