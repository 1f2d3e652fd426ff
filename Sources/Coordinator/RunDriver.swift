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
/// This is the only place where the run's I/O happens; what happens when, and what each
/// worker is told, is the cell's `CellDirector`'s decision. Workers start through a
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
    /// Owns every stop: signals, the loop's parts at the end, the ssh masters after it.
    private let shutdown: RunShutdown
    private var progress: ProgressPrinter

    private var cellIndex = -1
    /// The running cell's decisions; nil between cells.
    private var director: CellDirector?
    private var workers: [String: any WorkerHandle] = [:]
    private var queue: [CellEvent] = []
    private var draining = false
    /// `host container` of every recipe some replica was asked to build: each host builds once.
    private var builtRecipes: Set<String> = []
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
    /// `shutdown` is the run's one owner of stopping (the CLI's, which also holds the ssh masters).
    public init(
        plan: Plan, options: RunOptions, shutdown: RunShutdown = RunShutdown(),
        launcher: ((Loop) -> any WorkerLauncher)? = nil, clock: ((Loop) -> any RunClock)? = nil
    ) throws {
        self.plan = plan
        self.options = options
        self.shutdown = shutdown
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
            remoteRecipeFolders: options.remoteHosts.mapValues(\.recipeFolders), certificates: options.certificates)
        self.clock = clock?(loop) ?? LoopClock(loop: loop)
        self.launcher = launcher?(loop) ?? ProcessLauncher(loop: loop, options: options)
        cellTimer = try self.clock.makeTimer()
        progressTimer = try self.clock.makeTimer()
        nextCellTimer = try self.clock.makeTimer()
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
        // What ends with the loop, in this order, after the signal watchers: the progress
        // line, then the metrics endpoint (its last scrape sees the final figures).
        shutdown.closeAtLoopEnd { [unowned self] in
            self.progress.finished()
            self.progressTimer.stop()
        }
        shutdown.closeAtLoopEnd { [unowned self] in self.metricsServer?.close() }
        shutdown.watchSignals(
            on: loop, stop: { [unowned self] reason in self.stop(reason) }, killNow: { [unowned self] in self.killNow() })
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
        guard shutdown.state == .running, cellIndex < plan.cells.count else {
            finishRun()
            return
        }
        let cell = plan.cells[cellIndex]
        let director = CellDirector(
            cell: cell, builder: builder, builtRecipes: builtRecipes, remoteHosts: Set(options.remoteHosts.keys))
        self.director = director
        let timeouts = director.timeouts
        workers = [:]
        windowOpenedEpochSeconds = nil
        do {
            try results.beginCell(record: director.record(status: .interrupted, error: "the run ended before this cell did"))
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
            guard var current = director else { continue }
            let directives = current.handle(next)
            director = current
            builtRecipes = current.builtRecipes
            if case .openingWindow = current.machine.phase, windowOpenedEpochSeconds == nil {
                windowOpenedEpochSeconds = Double(clock.secondsSinceEpoch())
            }
            progress.phase(current.phaseLabel)
            for directive in directives { execute(directive) }
        }
        draining = false
    }

    private func execute(_ directive: CellDirective) {
        let cell = plan.cells[cellIndex]
        switch directive {
        case .spawn(let node, let host, let logName):
            spawn(node: node, host: host, logName: logName, cell: cell)
        case .clientsStarting(let trial):
            windowOpenedEpochSeconds = nil
            live = LiveCell(id: cell.id, system: cell.system.name, clients: cell.clients.map(\.name))
            if trial > 1 { results.setAsideIntervalLogs(cell: cell.id, nodes: cell.clients.map(\.name), trial: trial - 1) }
            // A trial after the first replaces the last trial's (exited) client workers.
            for client in cell.clients { workers.removeValue(forKey: client.name)?.release() }
        case .send(let node, let message):
            workers[node]?.send(message)
        case .startTimer(let generation, let milliseconds):
            try? cellTimer.start(after: milliseconds, repeat: 0) { [unowned self] in
                self.post(.timerFired(generation: generation))
            }
        case .closeControl(let node):
            workers[node]?.closeControl()
        case .kill(let node, let processGroup):
            workers[node]?.kill(SIGKILL)
            // A remote system is its worker's to kill when the ssh session ends: no group here.
            if let processGroup { ProcessGroup.signal(processGroup, SIGKILL) }
        case .note(let line):
            progress.note(line)
        case .finished(let outcome):
            cellTimer.stop()
            finishCell(cell, outcome: outcome)
        }
    }

    private func spawn(node: String, host: Host, logName: String, cell: CellPlan) {
        let index = cellIndex
        do {
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
        case .clientReady(let report):
            progress.clientReported(
                node: node, ProgressReport(requests: 0, errors: 0, connectionsUp: report.connectionsEstablished))
            post(.message(node: node, message))
        case .hello, .building, .serverReady, .marked, .clientResult, .serverResult, .failed:
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

    /// SIGKILLs every local replica's system under test.
    private func killServerGroups() {
        for group in director?.localServerGroups ?? [] { ProcessGroup.signal(group, SIGKILL) }
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
        guard let director else { return }
        let record = director.record(status: status, error: error)
        if let capacity = director.capacity { summary.capacity.append(capacity) }
        let clients = cell.clients.compactMap { director.machine.clientResults[$0.name] }
        let servers = cell.servers.compactMap { director.machine.serverResults[$0.name] }
        // The seconds and samples that streamed in are on disk: read back, one second at a time.
        let folder = results.cellFolder(cell.id)
        let complete = ResultsReader.completed(folder: folder, clients: clients, servers: servers)
        let cellSummary = CellAggregator.summarize(
            record: record, servers: complete.servers, clients: complete.clients,
            secondsOf: ResultsReader.secondsOf(folder: folder))
        summary.cells.append(cellSummary)
        summary.noteProvenance(
            servers: complete.servers, clients: complete.clients, systemOrder: plan.topology.systems.map(\.name))
        summary.status = RunStatus.of(summary.cells, interrupted: shutdown.state != .running)
        do {
            try results.writeCell(record: record, servers: servers, clients: clients)
            try results.writeSummary(summary)
        } catch {
            StandardError.write("barrage: could not write results of \(cell.id) to \(results.path): \(error)\n")
        }
        progress.cellEnded(cellSummary)
        self.director = nil
        live = nil
        // Leave the event drain before the next cell starts.
        try? nextCellTimer.start(after: 0, repeat: 0) { [unowned self] in self.startNextCell() }
    }

    private func finishRun() {
        summary.status = RunStatus.of(summary.cells, interrupted: shutdown.state != .running)
        try? results.writeSummary(summary)
        shutdown.endLoop()
        loop.stop()
    }

    /// The first SIGINT or SIGTERM (`RunShutdown`'s decision): the cell stops in order.
    private func stop(_ reason: String) {
        StandardError.write("\nbarrage: \(reason): stopping clients, then the server; finished cells are kept\n")
        if director != nil { post(.interrupt(reason: reason)) }
    }

    /// A second one: no more waiting for graceful exits.
    private func killNow() {
        StandardError.write("\nbarrage: killing every worker now\n")
        for worker in workers.values { worker.kill(SIGKILL) }
        killServerGroups()
    }

    private func showProgress() {
        sendHeartbeats()
        guard let director else { return }
        progress.tick(phase: director.phaseLabel)
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
}
