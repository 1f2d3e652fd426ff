import Glibc
import Metrics
import Posix
import UV
import Wire
import WorkerCore

/// The server worker's executor: carries out a `ServerPlan` (build once, start the system,
/// probe until it accepts TCP, sample its process tree, stop it) through a `ProcessLayer`,
/// deciding nothing the plan has not. `terminate` stops the system with the grace the worker
/// agent's `AgentTimeouts` give, then removes the cell's cgroup.
public final class ServerRunner {
    /// What the runner tells its owner.
    public struct Callbacks {
        public var ready: (ServerReadyReport) -> Void
        public var failed: (String) -> Void
        /// The recipe's `build` started.
        public var building: () -> Void
        public init(
            ready: @escaping (ServerReadyReport) -> Void, failed: @escaping (String) -> Void,
            building: @escaping () -> Void = {}
        ) {
            self.ready = ready
            self.failed = failed
            self.building = building
        }
    }

    private let plan: ServerPlan
    private let layer: any ProcessLayer
    private let callbacks: Callbacks
    private var state: ServerRunnerState = .idle
    private var samples: [ResourceSample] = []
    private let sampleTimer: any LayerTimer
    /// Paces the TCP probes while starting, then the SIGTERM grace while stopping.
    private let probeTimer: any LayerTimer
    /// The cell's cgroup when limits are on; removed (killing anything left) when the system stops.
    private var cgroup: ServerCgroup = .unlimited
    /// The CPU the system may use here: this host's cores under the cell's limits.
    private let allowance: CPUAllowance
    /// What the system was built from; read once it is built.
    private var versions: [String: String] = [:]
    /// The names of the variables the system was started with (summary.json's record).
    private var environmentNames: [String] = []
    /// With TLS: the certificate and key files the system serves, and how they go when the cell is done.
    private var tlsFiles: (files: ServerTLSFiles, remove: () -> Void)?

    private var setup: ServerSetup { plan.setup }

    /// A runner on `loop`. `selfExecutable` is this very binary (the builtin server);
    /// `clock` gives the milliseconds that sample times and window edges are in, tests pass
    /// their own.
    public convenience init(
        loop: Loop, setup: ServerSetup, selfExecutable: String, callbacks: Callbacks,
        clock: @escaping () -> UInt64 = { Loop.hrtime() / 1_000_000 }
    ) throws {
        let plan = ServerPlan(setup: setup, selfExecutable: selfExecutable, absolute: { WorkingDirectory.absolute($0) })
        try self.init(plan: plan, layer: LoopProcessLayer(loop: loop, clock: clock), callbacks: callbacks)
    }

    /// A runner carrying out `plan` through `layer`.
    init(plan: ServerPlan, layer: any ProcessLayer, callbacks: Callbacks) throws {
        self.plan = plan
        self.layer = layer
        self.callbacks = callbacks
        allowance = plan.allowance(hostCores: layer.hostCores)
        sampleTimer = try layer.makeTimer()
        probeTimer = try layer.makeTimer()
    }

    /// Builds if asked, then starts the system (inside the cell's cgroup when limits are on).
    public func start() {
        if let tls = setup.tls {
            do {
                tlsFiles = try layer.writeTLSFiles(tls)
            } catch {
                fail(.tlsFiles(system: setup.system, host: setup.host, reason: "\(error)"), releasing: false)
                return
            }
        }
        if let limits = plan.cgroupLimits {
            do {
                let made = try layer.makeCgroup(cellID: setup.cellID, limits: limits)
                cgroup = .limited(made)
                layer.log("barrage: limits for \(setup.system): \(made.summary)\n")
            } catch {
                fail(.limits(limits, host: setup.host, reason: error.description), releasing: false)
                return
            }
        }
        guard let build = plan.build(inherited: layer.inheritedEnvironment()), layer.isExecutable(build.executable) else {
            launch()
            return
        }
        layer.log("barrage: building \(setup.system): \(build.executable)\n")
        do {
            var child: (any LayerChild)?
            child = try layer.spawn(build) { [weak self] status in
                // The build runs in its own process group: nothing it started outlives it.
                if let child { self?.buildEnded(status, child: child) }
            }
            state = .building(child!)
            callbacks.building()
        } catch {
            fail(.buildNotStarted(build: build.executable, reason: "\(error)"))
        }
    }

    private func buildEnded(_ status: ExitStatus, child: any LayerChild) {
        layer.signalGroup(child.pid, SIGKILL)
        child.finish()
        switch state {
        case .building:
            guard status.isSuccess else {
                state = .stopped(.none)
                callbacks.failed(
                    ServerFailure.buildFailed(container: setup.container, status: status, lastLine: child.lastLine).description)
                releaseCell()
                return
            }
            launch()
        case .stopping(_, let record, let waiting):
            // Killed by `terminate`.
            finishStopping(record, waiting: waiting)
        case .idle, .starting, .serving, .stopped:
            break
        }
    }

    private func launch() {
        versions = layer.versions(from: plan.versionsSource)
        let port: Int
        do {
            port = try plan.port { try layer.freePort(host: setup.bindHost) }
        } catch {
            fail(.noFreePort(bindHost: setup.bindHost, reason: "\(error)"))
            return
        }
        let system = plan.system(port: port, tls: tlsFiles?.files, inherited: layer.inheritedEnvironment())
        environmentNames = system.environment.keys.sorted()
        layer.log("barrage: starting \(setup.system): \(system.commandLine) on port \(port)\n")
        do {
            let child = try layer.spawn(plan.spawned(system, cgroupDirectories: cgroup.live?.directories ?? [])) {
                [weak self] status in self?.serverEnded(status)
            }
            state = .starting(RunningSystem(child: child, port: port), probe: nil, deadlineMs: layer.nowMs + setup.readyTimeoutMs)
        } catch {
            fail(.notStarted(executable: system.executable, reason: "\(error)"))
            return
        }
        takeSample()
        try? sampleTimer.start(after: setup.sampleIntervalMs, repeat: setup.sampleIntervalMs) { [weak self] in
            self?.takeSample()
        }
        probeAccepts()
    }

    /// Tries a TCP connect every `ServerPlan.probeIntervalMs` until the system accepts one.
    private func probeAccepts() {
        guard case .starting(let server, _, let deadlineMs) = state else { return }
        guard layer.nowMs < deadlineMs else {
            // It stays up, unprobed: the coordinator stops the cell on this failure.
            callbacks.failed(
                ServerFailure.notReady(
                    system: setup.system, address: plan.probeHost, port: server.port, timeoutMs: setup.readyTimeoutMs
                ).description)
            return
        }
        do {
            var attempt: (any LayerProbe)?
            attempt = try layer.probe(host: plan.probeHost, port: server.port) { [weak self] accepted in
                attempt?.close()
                guard let self, let attempt, case .starting(let server, let probe, let deadlineMs) = self.state,
                    probe === attempt
                else { return }
                if accepted {
                    self.takeSample()
                    self.state = .serving(server, ServingRecord(idleRssBytes: self.samples.last?.rssBytes, window: .unopened))
                    self.callbacks.ready(ServerReadyReport(port: server.port, serverProcessGroup: server.pid))
                } else {
                    self.state = .starting(server, probe: nil, deadlineMs: deadlineMs)
                    self.probeAgain()
                }
            }
            state = .starting(server, probe: attempt, deadlineMs: deadlineMs)
        } catch {
            state = .starting(server, probe: nil, deadlineMs: deadlineMs)
            probeAgain()
        }
    }

    private func probeAgain() {
        try? probeTimer.start(after: ServerPlan.probeIntervalMs, repeat: 0) { [weak self] in self?.probeAccepts() }
    }

    /// The system's leader exited: asked to (stopping) or not (a failure, with its status and
    /// the last line it wrote to stderr).
    private func serverEnded(_ status: ExitStatus) {
        sampleTimer.stop()
        probeTimer.stop()
        let server: RunningSystem
        let record: ServingRecord
        switch state {
        case .starting(let running, let probe, _):
            probe?.close()
            (server, record) = (running, .none)
        case .serving(let running, let served):
            (server, record) = (running, served)
        case .stopping(let stopped, let record, let waiting):
            if let stopped {
                // A member that ignored SIGTERM does not outlive its leader.
                layer.signalGroup(stopped.pid, SIGKILL)
                stopped.child.finish()
            }
            finishStopping(record, waiting: waiting)
            return
        case .idle, .building, .stopped:
            return
        }
        // What is left of its process group goes with it, so nothing holds the port for the next cell.
        layer.signalGroup(server.pid, SIGKILL)
        server.child.finish()
        state = .stopped(record)
        let failure = plan.exitFailure(status, oomKills: cgroup.live?.oomKills(), lastLine: server.child.lastLine)
        callbacks.failed(failure.description)
        releaseCell()
    }

    /// Fails before anything runs: stopped, the cell released (unless nothing of it was made yet).
    private func fail(_ failure: ServerFailure, releasing: Bool = true) {
        state = .stopped(.none)
        if releasing { releaseCell() }
        callbacks.failed(failure.description)
    }

    /// The system asked to stop has exited: `waiting` learn it once its cgroup is gone.
    private func finishStopping(_ record: ServingRecord, waiting: [() -> Void]) {
        state = .stopped(record)
        releaseCell()
        waiting.forEach { $0() }
    }

    private func takeSample() {
        let server: RunningSystem
        switch state {
        case .starting(let running, _, _), .serving(let running, _): server = running
        case .idle, .building, .stopping, .stopped: return
        }
        guard let sample = layer.sample(root: server.pid, timeMs: layer.sampleClockMs()) else { return }
        samples.append(sample)
    }

    /// Marks a window edge. Only a serving system has a window.
    public func mark(_ edge: WindowMark) {
        takeSample()
        guard case .serving(let server, var record) = state else { return }
        switch edge {
        case .open: record.window.open(at: layer.sampleClockMs())
        case .close: record.window.close(at: layer.sampleClockMs())
        }
        state = .serving(server, record)
    }

    /// The samples taken since the last call (or since the start), which the runner then
    /// forgets: the worker sends them on each second, so a long cell holds none for long.
    public func takeSamples() -> [ResourceSample] {
        defer { samples = [] }
        return samples
    }

    /// Everything sampled and not yet taken, with the window.
    public func result(node: String, host: String) -> ServerNodeResult {
        takeSample()
        let record: ServingRecord
        switch state {
        case .serving(_, let served), .stopping(_, let served, _), .stopped(let served): record = served
        case .idle, .building, .starting: record = .none
        }
        var system = SystemVersions(name: setup.system, container: plan.containerName, versions: versions)
        system.environment = environmentNames.isEmpty ? nil : environmentNames
        return ServerNodeResult(
            node: node, host: host, samples: samples, window: record.window.measured,
            idleRssBytes: record.idleRssBytes, cgroupMemoryPeakBytes: cgroup.memoryPeakBytes,
            cpuAllowanceCores: allowance.cores, systemVersions: system)
    }

    /// Stops the system: SIGTERM to its process group, SIGKILL after `graceMs`; `completion`
    /// runs once it is gone and the cell's cgroup removed.
    public func terminate(graceMs: UInt64, completion: @escaping () -> Void) {
        sampleTimer.stop()
        probeTimer.stop()
        let server: RunningSystem
        let record: ServingRecord
        switch state {
        case .idle:
            state = .stopped(.none)
            releaseCell()
            completion()
            return
        case .stopped:
            releaseCell()
            completion()
            return
        case .building(let child):
            // A build is not worth a grace period: kill it and whatever it started.
            state = .stopping(nil, .none, waiting: [completion])
            layer.signalGroup(child.pid, SIGKILL)
            return
        case .stopping(let stopping, let served, let waiting):
            state = .stopping(stopping, served, waiting: waiting + [completion])
            return
        case .starting(let running, let probe, _):
            probe?.close()
            (server, record) = (running, .none)
        case .serving(let running, let served):
            (server, record) = (running, served)
        }
        let group = server.pid
        state = .stopping(server, record, waiting: [completion])
        layer.signalGroup(group, SIGTERM)
        try? probeTimer.start(after: graceMs, repeat: 0) { [weak self] in
            guard let self, case .stopping(let current?, _, _) = self.state, current.pid == group else { return }
            self.layer.log("barrage: \(self.setup.system) ignored SIGTERM for \(graceMs) ms; killing it\n")
            self.layer.signalGroup(group, SIGKILL)
        }
    }

    /// The cell is over for this server: its TLS files and its cgroup go.
    private func releaseCell() {
        tlsFiles?.remove()
        tlsFiles = nil
        guard let live = cgroup.live else { return }
        // The peak outlives the cgroup in the result.
        cgroup = .released(memoryPeakBytes: live.memoryPeakBytes())
        do {
            try live.remove()
        } catch {
            layer.log("barrage: could not remove the cgroup of \(setup.system): \(error)\n")
        }
    }
}
