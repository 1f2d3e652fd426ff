import CoordinatorCore
import Digest
import Glibc
import Launch
import Metrics
import Report
import Results
import Topology
import UV
import Wire

/// Carries out a plan on one libuv loop: cell after cell, each through its
/// `CellStateMachine`, writing each cell's results as it ends.
///
/// This is the only place where the run's I/O happens; what happens when is the state
/// machine's decision, what each worker is told the `SetupBuilder`'s. Workers start through a
/// `WorkerLauncher` and time comes from a `RunClock`, so tests run it against fake workers in
/// virtual time. Events are queued and handled one at a time, so an action that fails
/// synchronously (a spawn) feeds back without re-entering the machine.
public final class RunDriver {
    /// How the whole run ended.
    public private(set) var summary: RunSummary

    private let plan: Plan
    private let options: RunOptions
    private let loop: Loop
    private let results: ResultsDirectory
    private let builder: SetupBuilder
    private let launcher: any WorkerLauncher
    private let clock: any RunClock
    /// When heartbeats last went out (`clock.monotonicMs()`).
    private var lastHeartbeatMs: UInt64 = 0
    private let cellTimer: any RunTimer
    private let progressTimer: any RunTimer
    private let nextCellTimer: any RunTimer
    private let interruptSignal: Signal
    private let terminateSignal: Signal
    private var progress: ProgressPrinter

    private var cellIndex = -1
    private var machine: CellStateMachine?
    private var workers: [String: any WorkerHandle] = [:]
    /// Each local server replica's process group (the system under test), by node.
    private var serverProcessGroups: [String: Int32] = [:]
    /// The CPUs online on each worker's host, as its `hello` said, by node.
    private var hostCores: [String: Int] = [:]
    /// The system whose recipe a server worker said it is building, this cell.
    private var buildingSystem: String?
    private var queue: [CellEvent] = []
    private var draining = false
    private var interruption: String?
    /// `host container` of every recipe some replica was asked to build: each host builds once.
    private var builtRecipes: Set<String> = []
    /// The open-loop rate this cell's clients are set up with (a search changes it per trial).
    private var currentRate: Double?
    /// The running capacity search of a `rate: search` cell.
    private var search: CapacitySearch?
    /// What the search found, once it ended.
    private var searchResult: CapacitySearch.Result?
    /// When this cell's (or trial's) window was opened, seconds since the epoch: the
    /// interval logs' start time.
    private var windowOpenedEpochSeconds: Double?
    /// The running cell (or trial) as its seconds stream in: the live report and metrics.
    private var live: LiveCell?
    /// When report.html was last rewritten live (`clock.monotonicMs()`).
    private var lastLiveReportMs: UInt64 = 0
    /// `--metrics`: the OpenMetrics endpoint, on this loop.
    private var metricsServer: MetricsServer?

    /// How often report.html is rewritten while a cell runs, and the page reloads itself.
    static let liveReportSeconds = 10

    /// `--metrics` could not listen where asked.
    public struct MetricsListenFailure: Error, CustomStringConvertible {
        public let address: String
        public let reason: String
        public var description: String { "--metrics \(address): cannot listen there: \(reason)" }
    }

    /// A driver for `plan`. `launcher` and `clock` default to the real ones on the driver's
    /// loop (workers as processes, libuv timers); tests give fakes. The clock is made first.
    public init(
        plan: Plan, options: RunOptions, launcher: ((Loop) -> any WorkerLauncher)? = nil,
        clock: ((Loop) -> any RunClock)? = nil
    ) throws {
        self.plan = plan
        self.options = options
        loop = try Loop()
        if let address = options.metricsAddress {
            do {
                metricsServer = try MetricsServer(loop: loop, host: address.host, port: address.port) { "" }
            } catch {
                throw MetricsListenFailure(address: "\(address.host):\(address.port)", reason: "\(error)")
            }
        }
        // The stored topology holds the `env` values, which may be secrets: then the folder is the user's alone.
        results = try ResultsDirectory(
            path: options.resultsPath, topologyText: options.topologyText,
            isPrivate: plan.topology.systems.contains { !$0.env.isEmpty })
        builder = SetupBuilder(
            containersDirectory: options.containersDirectory,
            buildCacheDirectory: options.buildCacheDirectory,
            remoteRecipeFolders: options.remoteHosts.mapValues(\.recipeFolders))
        self.clock = clock?(loop) ?? LoopClock(loop: loop)
        self.launcher = launcher?(loop) ?? ProcessLauncher(loop: loop, options: options)
        cellTimer = try self.clock.makeTimer()
        progressTimer = try self.clock.makeTimer()
        nextCellTimer = try self.clock.makeTimer()
        interruptSignal = try Signal(loop: loop)
        terminateSignal = try Signal(loop: loop)
        progress = ProgressPrinter(quiet: options.quiet, cellCount: plan.cells.count)
        summary = RunSummary(
            barrage: BarrageVersion.current, topology: plan.topology.name,
            started: UTCTimestamp.text(secondsSinceEpoch: self.clock.secondsSinceEpoch()),
            status: .ok, cells: [],
            barrageCommit: SourceCommit.of(executable: options.selfExecutable),
            topologySHA256: SHA256.hex(Array(options.topologyText.utf8)))
        summary.decisionLoadPerSecond = plan.topology.decision?.loadPerSecond
    }

    /// Runs every cell (or until interrupted); returns the final summary, also written to disk.
    public func run() -> RunSummary {
        ignoreSIGPIPE()
        metricsServer?.body = { [unowned self] in OpenMetricsText.render(cells: self.summary.cells, live: self.live) }
        // Rendering and writing files must not take CPU from the workers and servers measured
        // beside this process: it runs niced; local workers take their own priority back.
        ProcessPriority.lowerCoordinator()
        for (watcher, signal) in [(interruptSignal, SIGINT), (terminateSignal, SIGTERM)] {
            try? watcher.start(signal) { [unowned self] _ in
                self.interrupt("interrupted by \(PreparationInterrupt.describe(signal))")
            }
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
        let unbuilt = cell.servers.contains { !builtRecipes.contains(recipeKey(cell, $0)) }
        let (timeouts, mode) = builder.schedule(for: cell, unbuilt: unbuilt)
        currentRate = cell.rate.offeredPerSecond
        search = nil
        searchResult = nil
        if case .search(let settings) = cell.rate {
            var capacitySearch = CapacitySearch(settings: settings)
            if case .trial(let rate) = capacitySearch.start() { currentRate = rate }
            search = capacitySearch
        }
        machine = CellStateMachine(
            servers: cell.servers.map { ($0.name, $0.host.name) },
            clients: cell.clients.map { ($0.name, $0.host.name) }, timeouts: timeouts, mode: mode)
        workers = [:]
        serverProcessGroups = [:]
        hostCores = [:]
        buildingSystem = nil
        windowOpenedEpochSeconds = nil
        do {
            try results.beginCell(record: record(of: cell, status: .interrupted, error: "the run ended before this cell did"))
        } catch {
            StandardError.write("barrage: could not start the results of \(cell.id) in \(results.path): \(error)\n")
        }
        progress.cellStarted(
            number: cellIndex + 1, label: cell.label, connections: cell.connections,
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
            if case .openingWindow = current.phase, windowOpenedEpochSeconds == nil {
                windowOpenedEpochSeconds = Double(clock.secondsSinceEpoch())
            }
            progress.phase(phaseLabel(current.phase))
            for action in actions { execute(action) }
        }
        draining = false
    }

    private func execute(_ action: CellAction) {
        let cell = plan.cells[cellIndex]
        switch action {
        case .spawnServer(let node):
            if let server = cell.servers.first(where: { $0.name == node }) { spawn(node: node, host: server.host, cell: cell) }
        case .spawnClients:
            windowOpenedEpochSeconds = nil
            live = LiveCell(id: cell.id, system: cell.system.name, clients: cell.clients.map(\.name))
            if let trial = machine?.trialNumber, trial > 1 {
                results.setAsideIntervalLogs(cell: cell.id, nodes: cell.clients.map(\.name), trial: trial - 1)
            }
            for client in cell.clients {
                // A trial after the first replaces the last trial's (exited) client workers.
                workers.removeValue(forKey: client.name)?.release()
                spawn(node: client.name, host: client.host, cell: cell)
            }
        case .sendSetup(let node):
            if let message = setupMessage(for: node, cell: cell) { workers[node]?.send(message) }
        case .send(let node, let message):
            workers[node]?.send(message)
        case .startTimer(let generation, let milliseconds):
            try? cellTimer.start(after: milliseconds, repeat: 0) { [unowned self] in
                self.post(.timerFired(generation: generation))
            }
        case .closeControl(let node):
            workers[node]?.closeControl()
        case .kill(let node):
            workers[node]?.kill(SIGKILL)
            killServerGroup(of: node)
        case .trialEnded:
            trialEnded(cell)
        case .finished(let outcome):
            cellTimer.stop()
            finishCell(cell, outcome: outcome)
        }
    }

    private func spawn(node: String, host: Host, cell: CellPlan) {
        let index = cellIndex
        do {
            // Each trial's clients are new processes: one log each, beside the servers' ones.
            let trial = machine?.trialNumber ?? 1
            let isServer = cell.servers.contains { $0.name == node }
            let logName = search != nil && !isServer && trial > 1 ? "\(node)-trial\(trial)" : node
            let log = try results.logPath(cell: cell.id, node: logName)
            workers[node] = try launcher.launch(
                node: node, host: host, logPath: log,
                events: WorkerEvents(
                    message: { [unowned self] message in
                        guard self.cellIndex == index else { return }
                        self.received(message, from: node)
                    },
                    channelEnded: { [unowned self] end in
                        guard self.cellIndex == index, case .broken(let reason) = end else { return }
                        self.post(.channelBroken(node: node, reason: reason))
                    },
                    exited: { [unowned self] status in
                        guard self.cellIndex == index else { return }
                        self.post(.exited(node: node, status: status))
                    }))
        } catch {
            post(.spawnFailed(node: node, reason: "\(error)"))
        }
    }

    private func received(_ message: WorkerMessage, from node: String) {
        if clock.monotonicMs() &- lastHeartbeatMs >= 1_000 { sendHeartbeats() }
        switch message {
        case .progress(let report):
            progress.clientReported(node: node, report)
        case .building(let system):
            // Not the state machine's business: the server's ready deadline covers the build.
            buildingSystem = system
        case .hello(_, _, let cores):
            hostCores[node] = cores
            post(.message(node: node, message))
        case .serverReady(let report):
            serverProcessGroups[node] = report.serverProcessGroup
            post(.message(node: node, message))
        case .clientReady(let report):
            progress.clientReported(
                node: node, ProgressReport(requests: 0, errors: 0, connectionsUp: report.connectionsEstablished))
            post(.message(node: node, message))
        case .marked, .clientResult, .serverResult, .failed:
            post(.message(node: node, message))
        case .interval(let interval):
            let cell = plan.cells[cellIndex]
            let host = cell.clients.first { $0.name == node }?.host.name ?? "?"
            live?.add(interval, from: node)
            results.append(
                interval, cell: cell.id, node: node, host: host,
                windowOpenedEpochSeconds: windowOpenedEpochSeconds ?? Double(clock.secondsSinceEpoch()))
        case .serverSamples(let samples):
            live?.add(samples, from: node)
            results.append(samples, cell: plan.cells[cellIndex].id, node: node)
        }
    }

    /// What `SetupBuilder` says `node` is told; nil for a node not in the cell.
    private func setupMessage(for node: String, cell: CellPlan) -> CoordinatorMessage? {
        if let server = cell.servers.first(where: { $0.name == node }) {
            let runBuild = builtRecipes.insert(recipeKey(cell, server)).inserted
            return .setupServer(builder.serverSetup(server, cell: cell, hostCores: hostCores[node] ?? 1, runBuild: runBuild))
        }
        let ports = (machine?.serverReady ?? [:]).compactMapValues(\.port)
        let targets = SetupBuilder.targets(of: cell, readyPorts: ports)
        return builder.clientSetups(for: cell, targets: targets, ratePerSecond: currentRate)
            .first { $0.node == node }
            .map { .setupClient($0) }
    }

    /// Which recipe build a replica stands for: each host builds each recipe once per run.
    private func recipeKey(_ cell: CellPlan, _ server: ServerProcess) -> String {
        "\(server.host.name) \(cell.system.container)"
    }

    /// SIGKILLs the system under test's process group of server `node` — on this machine
    /// only; a remote one is its worker's to kill when the ssh session ends.
    private func killServerGroup(of node: String) {
        guard cellIndex < plan.cells.count,
            let server = plan.cells[cellIndex].servers.first(where: { $0.name == node }),
            options.remoteHosts[server.host.name] == nil,
            let group = serverProcessGroups[node], group > 0
        else { return }
        ProcessGroup.signal(group, SIGKILL)
    }

    /// SIGKILLs every local replica's system under test.
    private func killServerGroups() {
        for node in serverProcessGroups.keys { killServerGroup(of: node) }
    }

    private func finishCell(_ cell: CellPlan, outcome: CellOutcome) {
        // Whatever the workers did, the system under test must not outlive its cell.
        killServerGroups()
        for worker in workers.values { worker.release() }
        workers = [:]
        let status: CellStatus
        let error: String?
        switch outcome {
        case .ok: (status, error) = (.ok, nil)
        case .failed(let failure): (status, error) = (.failed, failure.description)
        case .interrupted(let reason): (status, error) = (.interrupted, reason)
        }
        let capacity = searchResult.map { capacityEntry(cell, $0) }
        let record = self.record(of: cell, status: status, error: error, capacity: capacity)
        if let capacity { summary.capacity.append(capacity) }
        let clients = cell.clients.compactMap { machine?.clientResults[$0.name] }
        let servers = cell.servers.compactMap { machine?.serverResults[$0.name] }
        // The seconds and samples that streamed in are on disk: read back, one second at a time.
        let folder = results.cellFolder(cell.id)
        let complete = ResultsReader.completed(folder: folder, clients: clients, servers: servers)
        let cellSummary = CellAggregator.summarize(
            record: record, servers: complete.servers, clients: complete.clients,
            secondsOf: ResultsReader.secondsOf(folder: folder))
        summary.cells.append(cellSummary)
        summary.noteProvenance(
            servers: complete.servers, clients: complete.clients, systemOrder: plan.topology.systems.map(\.name))
        summary.status = Self.status(of: summary.cells, interrupted: interruption != nil)
        do {
            try results.writeCell(record: record, servers: servers, clients: clients)
            try results.writeSummary(summary)
        } catch {
            StandardError.write("barrage: could not write results of \(cell.id) to \(results.path): \(error)\n")
        }
        progress.cellEnded(cellSummary)
        machine = nil
        live = nil
        // Leave the event drain before the next cell starts.
        try? nextCellTimer.start(after: 0, repeat: 0) { [unowned self] in self.startNextCell() }
    }

    /// The cell's record with the outcome given.
    private func record(of cell: CellPlan, status: CellStatus, error: String?, capacity: CapacityEntry? = nil) -> CellRecord {
        CellRecord(
            id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
            repeatIndex: cell.repeatIndex, status: status, error: error,
            clientWorkers: cell.clients.count, threadsPerWorker: cell.clients.first?.threads
        )
        .with(
            scenario: cell.scenario, cpus: cell.cpus, ratePerSecond: currentRate, slo: cell.workload.slo,
            capacity: capacity, replicas: cell.replicas)
    }

    // MARK: - Capacity search

    /// A trial's clients are done: judge the trial, say so, and run the next or end the cell.
    private func trialEnded(_ cell: CellPlan) {
        guard var capacitySearch = search, let machine, let slo = cell.workload.slo else {
            post(.endTrials)
            return
        }
        let record = CellRecord(
            id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
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
        CapacityEntry(
            cell: cell.id, scenario: cell.scenario, system: cell.system.name, replicas: cell.replicas, cpus: cell.cpus,
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
        metricsServer?.close()
        loop.stop()
    }

    private func interrupt(_ reason: String) {
        if interruption != nil {
            // A second Ctrl-C: no more waiting for graceful exits.
            StandardError.write("\nbarrage: killing every worker now\n")
            for worker in workers.values { worker.kill(SIGKILL) }
            killServerGroups()
            return
        }
        interruption = reason
        StandardError.write("\nbarrage: \(reason): stopping clients, then the server; finished cells are kept\n")
        if machine != nil { post(.interrupt(reason: reason)) }
    }

    private func showProgress() {
        sendHeartbeats()
        guard let machine else { return }
        progress.tick(phase: phaseLabel(machine.phase))
        if let live, clock.monotonicMs() &- lastLiveReportMs >= UInt64(Self.liveReportSeconds) * 1000 {
            lastLiveReportMs = clock.monotonicMs()
            try? results.writeLiveReport(live, reloadSeconds: Self.liveReportSeconds)
        }
    }

    /// Workers take a silent coordinator for gone (10 s); tell them every second that it is not.
    /// The progress timer does it, and so does reading a message once a second has passed: a
    /// coordinator starved of CPU while it reads a burst of results from hundreds of workers
    /// does not get back to its timers for seconds (200 workers' clients quit at load average 30).
    private func sendHeartbeats() {
        lastHeartbeatMs = clock.monotonicMs()
        for worker in workers.values { worker.send(.heartbeat) }
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
}
