import Metrics
import Report
import Topology
import Wire

/// Every decision of one cell, as one pure machine: the cell's `CellStateMachine`, its
/// `CapacitySearch` (a `rate: search` cell), the setups `SetupBuilder` makes, which recipe each
/// host still builds, each worker's log name and whose process group a kill reaches.
///
/// The driver feeds it the cell's events and carries out the `CellDirective`s it returns, each
/// finished: a setup is a message ready to send, a trial's verdict and the next trial are
/// decided here, not wired together by the driver. Pure: tested without a process or a socket.
public struct CellDirector: Sendable {
    /// The cell it directs.
    public let cell: CellPlan
    /// The cell's deadlines, from the builder.
    public let timeouts: CellTimeouts
    /// The cell's life: phase, results, trial number.
    public private(set) var machine: CellStateMachine
    /// The open-loop rate the cell's clients are set up with (a search changes it per trial);
    /// nil for closed loop.
    public private(set) var ratePerSecond: Double?
    /// `host container` of every recipe some replica was asked to build, this run: each host
    /// builds each recipe once.
    public private(set) var builtRecipes: Set<String>
    /// The system whose recipe a server worker said it is building.
    public private(set) var buildingSystem: String?

    private let builder: SetupBuilder
    /// Hosts reached over ssh: a system there is its worker's to kill when the ssh session ends.
    private let remoteHosts: Set<String>
    private var search: CapacitySearch?
    private var searchResult: CapacitySearch.Result?
    /// The CPUs online on each worker's host, as its `hello` said, by node.
    private var hostCores: [String: Int] = [:]
    /// Each server replica's process group (the system under test), by node, as it reported ready.
    private var serverProcessGroups: [String: Int32] = [:]
    /// This trial's client setups, made once when every server is ready.
    private var clientSetups: [String: ClientSetup] = [:]

    /// The director of `cell`; `builtRecipes` are the builds earlier cells asked for.
    public init(cell: CellPlan, builder: SetupBuilder, builtRecipes: Set<String>, remoteHosts: Set<String>) {
        self.cell = cell
        self.builder = builder
        self.builtRecipes = builtRecipes
        self.remoteHosts = remoteHosts
        let unbuilt = cell.servers.contains { !builtRecipes.contains(Self.recipeKey(cell, $0)) }
        let (timeouts, mode) = builder.schedule(for: cell, unbuilt: unbuilt)
        self.timeouts = timeouts
        ratePerSecond = cell.rate.offeredPerSecond
        if case .search(let settings) = cell.rate {
            var capacitySearch = CapacitySearch(settings: settings)
            if case .trial(let rate) = capacitySearch.start() { ratePerSecond = rate }
            search = capacitySearch
        }
        machine = CellStateMachine(
            servers: cell.servers.map { ($0.name, $0.host.name) },
            clients: cell.clients.map { ($0.name, $0.host.name) }, timeouts: timeouts, mode: mode)
    }

    /// Feeds one event; returns what the driver must do, in order.
    public mutating func handle(_ event: CellEvent) -> [CellDirective] {
        if case .message(let node, let message) = event {
            switch message {
            case .hello(_, _, let cores): hostCores[node] = cores
            case .serverReady(let report): serverProcessGroups[node] = report.serverProcessGroup
            case .building(let system):
                // Not the state machine's business: the server's ready deadline covers the build.
                buildingSystem = system
                return []
            default: break
            }
        }
        return machine.handle(event).flatMap { direct($0) }
    }

    /// The process groups of the systems under test on this machine, whatever their workers do.
    public var localServerGroups: [Int32] {
        cell.servers.compactMap { server in
            guard !remoteHosts.contains(server.host.name), let group = serverProcessGroups[server.name], group > 0 else {
                return nil
            }
            return group
        }
    }

    /// What the capacity search found, as the report lists it; nil for a cell without a search
    /// or one that ended before the search did.
    public var capacity: CapacityEntry? {
        searchResult.map { result in
            CapacityEntry(
                cell: cell.id, scenario: cell.scenario, system: cell.system.name, replicas: cell.replicas, cpus: cell.cpus,
                connections: cell.connections, ratePerSecond: result.ratePerSecond, confirmed: result.confirmed,
                limitedByGenerator: result.limitedByGenerator, note: result.note, trials: result.trials)
        }
    }

    /// The cell's record with this status and error (its capacity once the search ended).
    public func record(status: CellStatus, error: String?) -> CellRecord {
        var record = CellRecord(
            id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
            repeatIndex: cell.repeatIndex, status: status, error: error,
            clientWorkers: cell.clients.count, threadsPerWorker: cell.clients.first?.threads
        )
        .with(
            scenario: cell.scenario, cpus: cell.cpus, ratePerSecond: ratePerSecond, slo: cell.workload.slo,
            capacity: capacity, replicas: cell.replicas)
        record.target = cell.target?.description
        record.tls = cell.tls
        return record
    }

    /// The phase as progress lines name it: a server starting while its recipe builds says so,
    /// since a first build can take minutes; a search's trial says its number and rate.
    public var phaseLabel: String {
        let phase = machine.phase
        if phase == .startingServer, let buildingSystem { return "building \(buildingSystem)" }
        if search != nil, phase != .startingServer {
            return "trial \(machine.trialNumber) · \(CapacitySearch.rateText(ratePerSecond ?? 0))/s · \(phase.label)"
        }
        return phase.label
    }

    // MARK: - From the machine's actions to finished directives

    private mutating func direct(_ action: CellAction) -> [CellDirective] {
        switch action {
        case .spawnServer(let node):
            guard let server = cell.servers.first(where: { $0.name == node }) else { return [] }
            return [.spawn(node: node, host: server.host, logName: node)]
        case .spawnClients:
            let trial = machine.trialNumber
            let ports = machine.serverReady.compactMapValues(\.port)
            let targets = SetupBuilder.targets(of: cell, readyPorts: ports)
            clientSetups = [:]
            for setup in builder.clientSetups(for: cell, targets: targets, ratePerSecond: ratePerSecond) {
                clientSetups[setup.node] = setup
            }
            // Each trial's clients are new processes: one log each, beside the servers' ones.
            return [.clientsStarting(trial: trial)]
                + cell.clients.map {
                    .spawn(
                        node: $0.name, host: $0.host, logName: search != nil && trial > 1 ? "\($0.name)-trial\(trial)" : $0.name)
                }
        case .sendSetup(let node):
            return setupMessage(for: node).map { [.send(node: node, $0)] } ?? []
        case .send(let node, let message):
            return [.send(node: node, message)]
        case .startTimer(let generation, let milliseconds):
            return [.startTimer(generation: generation, milliseconds: milliseconds)]
        case .closeControl(let node):
            return [.closeControl(node: node)]
        case .kill(let node):
            let group = serverProcessGroups[node].flatMap { group in
                cell.servers.contains { $0.name == node && !remoteHosts.contains($0.host.name) } && group > 0 ? group : nil
            }
            return [.kill(node: node, processGroup: group)]
        case .trialEnded:
            return trialEnded()
        case .finished(let outcome):
            return [.finished(outcome)]
        }
    }

    /// What `node` is told; nil for a node not in the cell.
    private mutating func setupMessage(for node: String) -> CoordinatorMessage? {
        if let server = cell.servers.first(where: { $0.name == node }) {
            let runBuild = builtRecipes.insert(Self.recipeKey(cell, server)).inserted
            return .setupServer(builder.serverSetup(server, cell: cell, hostCores: hostCores[node] ?? 1, runBuild: runBuild))
        }
        return clientSetups[node].map { .setupClient($0) }
    }

    /// A trial's clients are done: judge the trial, say so, and run the next or end the cell.
    private mutating func trialEnded() -> [CellDirective] {
        guard var capacitySearch = search, let slo = cell.workload.slo else {
            return machine.handle(.endTrials).flatMap { direct($0) }
        }
        let record = CellRecord(
            id: cell.id, index: cell.index, system: cell.system.name, connections: cell.connections,
            repeatIndex: cell.repeatIndex, status: .ok, clientWorkers: cell.clients.count)
        let clients = cell.clients.compactMap { machine.clientResults[$0.name] }
        let trial = CellAggregator.summarize(record: record, servers: [], clients: clients)
        let outcome = CapacitySearch.TrialOutcome(trial, slo: slo)
        let line = TrialLine.text(cell: cell, trial: machine.trialNumber, ratePerSecond: ratePerSecond ?? 0, outcome: outcome)
        let next: CellEvent
        switch capacitySearch.record(outcome) {
        case .trial(let rate):
            ratePerSecond = rate
            next = .nextTrial(measureMs: UInt64(cell.workload.searchTrialMilliseconds))
        case .confirm(let rate):
            ratePerSecond = rate
            next = .nextTrial(measureMs: UInt64(cell.workload.durationMilliseconds))
        case .done(let result):
            searchResult = result
            next = .endTrials
        }
        search = capacitySearch
        return [.note(line)] + machine.handle(next).flatMap { direct($0) }
    }

    /// Which recipe build a replica stands for: each host builds each recipe once per run.
    private static func recipeKey(_ cell: CellPlan, _ server: ServerProcess) -> String {
        "\(server.host.name) \(cell.system.container)"
    }
}
