import CNghttp2
import CUV
import Cgroups
import Glibc
import Metrics
import ProcessSampler
import Topology
import UV
import Wire

/// The server worker's job: build (once) and start a system under test, wait until it
/// accepts TCP, sample its process tree, and stop it.
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

    private let loop: Loop
    private let setup: ServerSetup
    private let callbacks: Callbacks
    /// Path of this very binary, for the builtin server.
    private let selfExecutable: String
    /// Milliseconds on a monotonic clock, for sample times and window edges.
    private let clock: () -> UInt64
    private var state: ServerRunnerState = .idle
    private var samples: [ResourceSample] = []
    private let sampleTimer: Timer
    /// Paces the TCP probes while starting, then the SIGTERM grace while stopping.
    private let probeTimer: Timer
    /// The cell's cgroup when limits are on; removed (killing anything left) when the system stops.
    private var cgroup: ServerCgroup = .unlimited
    /// The CPU the system may use here: this host's cores under the cell's limits.
    private let allowance: CPUAllowance
    /// What the system was built from; read once it is built.
    private var versions: [String: String] = [:]
    /// The names of the variables the system was started with (summary.json's record).
    private var environmentNames: [String] = []
    /// With TLS: the certificate and key files the system serves, only this user's, removed
    /// when the cell is done.
    private var tlsFiles: (folder: PrivateFolder, cert: String, key: String)?

    /// `clock` gives the milliseconds that sample times and window edges are in; tests pass
    /// their own.
    public init(
        loop: Loop, setup: ServerSetup, selfExecutable: String, callbacks: Callbacks,
        clock: @escaping () -> UInt64 = { Loop.hrtime() / 1_000_000 }
    ) throws {
        self.loop = loop
        self.clock = clock
        // A remote coordinator names recipe and build folders relative to this worker's
        // working directory (the ssh user's home); the system runs elsewhere, so anchor them.
        var setup = setup
        if setup.container != "builtin" { setup.container = Self.absolute(setup.container) }
        setup.buildDirectory = Self.absolute(setup.buildDirectory)
        self.setup = setup
        self.selfExecutable = selfExecutable
        self.callbacks = callbacks
        allowance = Self.allowance(setup.limits)
        sampleTimer = try Timer(loop: loop)
        probeTimer = try Timer(loop: loop)
    }

    /// Builds if asked, then starts the system (inside the cell's cgroup when limits are on).
    public func start() {
        if let tls = setup.tls {
            do {
                let folder = try PrivateFolder(purpose: "tls")
                tlsFiles = (
                    folder, try folder.write("server.pem", tls.certificatePEM), try folder.write("server.key", tls.privateKeyPEM)
                )
            } catch {
                state = .stopped(.none)
                callbacks.failed("cannot write the TLS certificate for \(setup.system) on \(setup.host): \(error)")
                return
            }
        }
        if let limits = setup.limits, !limits.isEmpty {
            CgroupLimiter.sweepStale()
            do {
                let limiter = try CgroupLimiter(cellID: setup.cellID, limits: limits)
                cgroup = .limited(limiter)
                StandardError.write("barrage: limits for \(setup.system): \(limiter.plan.summary)\n")
            } catch {
                state = .stopped(.none)
                callbacks.failed("limits \(Self.describe(limits)) cannot be enforced on \(setup.host): \(error.message)")
                return
            }
        }
        let build = setup.container + "/build"
        if setup.runBuild, !setup.isBuiltin, access(build, X_OK) == 0 {
            StandardError.write("barrage: building \(setup.system): \(build)\n")
            do {
                let stderr = try StderrRelay(loop: loop)
                let process: Process
                do {
                    var opts = options(executable: build, arguments: [], port: 0, stderr: stderr, forBuild: true)
                    // Its own process group, so that stopping kills what the build started too.
                    opts.detached = true
                    var group: Int32 = 0
                    process = try Process(loop: loop, options: opts) { [weak self] status, signal in
                        self?.buildEnded(ExitStatus(exitStatus: status, termSignal: signal), stderr: stderr, processGroup: group)
                    }
                    group = process.pid
                } catch {
                    stderr.spawned()
                    stderr.close()
                    throw error
                }
                stderr.spawned()
                state = .building(process, stderr: stderr)
                callbacks.building()
            } catch {
                state = .stopped(.none)
                releaseCell()
                callbacks.failed("could not run \(build): \(error)")
            }
        } else {
            launch()
        }
    }

    private func buildEnded(_ status: ExitStatus, stderr: StderrRelay, processGroup: Int32) {
        // Nothing the build started outlives it.
        ProcessGroup.signal(processGroup, SIGKILL)
        stderr.drain()
        stderr.close()
        switch state {
        case .building:
            guard status.isSuccess else {
                state = .stopped(.none)
                callbacks.failed("\(setup.container)/build \(status)\(Self.lastLine(stderr)) (its output is in this node's log)")
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

    /// `; its last stderr line: …` for a failure message, or nothing if it wrote none.
    static func lastLine(_ stderr: StderrRelay) -> String {
        stderr.lastLine.map { "; its last stderr line: \($0)" } ?? ""
    }

    private func launch() {
        versions = setup.isBuiltin ? Self.builtinVersions() : Self.recipeVersions(buildDirectory: setup.buildDirectory)
        let port: Int
        do {
            port = setup.port != 0 ? setup.port : try Self.freePort(host: setup.bindHost, loop: loop)
        } catch {
            state = .stopped(.none)
            releaseCell()
            callbacks.failed("no free port on \(setup.bindHost): \(error)")
            return
        }
        let executable: String
        let arguments: [String]
        if setup.isBuiltin {
            executable = selfExecutable
            arguments = [
                "serve", "--protocol", setup.protocolKind.rawValue, "--host", setup.bindHost, "--port", String(port),
                "--threads", String(setup.threads)
            ]
        } else {
            executable = setup.container + "/run"
            arguments = []
        }
        StandardError.write(
            "barrage: starting \(setup.system): \(([executable] + arguments).joined(separator: " ")) on port \(port)\n")
        var command = (executable: executable, arguments: arguments)
        if let limiter = cgroup.limiter {
            // cgexec joins the cgroup and then execs, so the whole tree runs limited from its first instruction.
            command = (
                selfExecutable, ["cgexec"] + limiter.directories.flatMap { ["--cgroup", $0] } + ["--", executable] + arguments
            )
        }
        do {
            let stderr = try StderrRelay(loop: loop)
            var opts = options(executable: command.executable, arguments: command.arguments, port: port, stderr: stderr)
            // Its own session: the whole tree is sampled and killed as one.
            opts.detached = true
            let process: Process
            do {
                process = try Process(loop: loop, options: opts) { [weak self] status, signal in
                    self?.serverEnded(ExitStatus(exitStatus: status, termSignal: signal))
                }
            } catch {
                stderr.spawned()
                stderr.close()
                throw error
            }
            stderr.spawned()
            let server = RunningSystem(
                process: process, port: port, sampler: ProcessTreeSampler(root: process.pid), stderr: stderr)
            state = .starting(server, probe: nil, deadlineMs: loop.now + setup.readyTimeoutMs)
        } catch {
            state = .stopped(.none)
            releaseCell()
            callbacks.failed("could not start \(executable): \(error)")
            return
        }
        takeSample()
        try? sampleTimer.start(after: setup.sampleIntervalMs, repeat: setup.sampleIntervalMs) { [weak self] in self?.takeSample()
        }
        probeAccepts()
    }

    /// Tries a TCP connect every 50 ms until the system accepts one.
    private func probeAccepts() {
        guard case .starting(let server, _, let deadlineMs) = state else { return }
        guard loop.now < deadlineMs else {
            // It stays up, unprobed: the coordinator stops the cell on this failure.
            callbacks.failed(
                "\(setup.system) did not accept TCP connections on \(probeHost):\(server.port) within \(setup.readyTimeoutMs / 1000) s"
            )
            return
        }
        do {
            let tcp = try TCP(loop: loop)
            state = .starting(server, probe: tcp, deadlineMs: deadlineMs)
            try tcp.connect(host: probeHost, port: server.port) { [weak self] error in
                tcp.close()
                guard let self, case .starting(let server, let probe, let deadlineMs) = self.state, probe === tcp else { return }
                if error == nil {
                    self.takeSample()
                    self.state = .serving(server, ServingRecord(idleRssBytes: self.samples.last?.rssBytes, window: .unopened))
                    self.callbacks.ready(ServerReadyReport(port: server.port, serverProcessGroup: server.pid))
                } else {
                    self.state = .starting(server, probe: nil, deadlineMs: deadlineMs)
                    try? self.probeTimer.start(after: 50) { [weak self] in self?.probeAccepts() }
                }
            }
        } catch {
            state = .starting(server, probe: nil, deadlineMs: deadlineMs)
            try? probeTimer.start(after: 50) { [weak self] in self?.probeAccepts() }
        }
    }

    private var probeHost: String {
        switch setup.bindHost {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::": return "::1"
        default: return setup.bindHost
        }
    }

    /// The system's leader exited: asked to (stopping) or not (a failure, with its status and
    /// the last line it wrote to stderr).
    private func serverEnded(_ status: ExitStatus) {
        sampleTimer.stop()
        probeTimer.stop()
        let server: RunningSystem
        switch state {
        case .starting(let running, let probe, _):
            probe?.close()
            server = running
        case .serving(let running, _):
            server = running
        case .stopping(let stopped, let record, let waiting):
            if let stopped {
                // A member that ignored SIGTERM does not outlive its leader.
                ProcessGroup.signal(stopped.pid, SIGKILL)
                stopped.stderr.drain()
                stopped.stderr.close()
            }
            finishStopping(record, waiting: waiting)
            return
        case .idle, .building, .stopped:
            return
        }
        // What is left of its process group goes with it, so nothing holds the port for the next cell.
        ProcessGroup.signal(server.pid, SIGKILL)
        server.stderr.drain()
        server.stderr.close()
        let record: ServingRecord
        if case .serving(_, let served) = state { record = served } else { record = .none }
        state = .stopped(record)
        if case .signaled(SIGKILL) = status, let limiter = cgroup.limiter, (limiter.oomKills() ?? 0) > 0 {
            callbacks.failed(
                "\(setup.system) ran out of memory (limit \(Self.describe(setup.limits ?? Limits()))): "
                    + "the kernel killed it (\(status))")
        } else {
            callbacks.failed(
                "\(setup.system) (\(setup.isBuiltin ? "builtin" : setup.container + "/run")) \(status)\(Self.lastLine(server.stderr))"
            )
        }
        releaseCell()
    }

    /// The system asked to stop has exited: `waiting` learn it once its cgroup is gone.
    private func finishStopping(_ record: ServingRecord, waiting: [() -> Void]) {
        state = .stopped(record)
        releaseCell()
        waiting.forEach { $0() }
    }

    private func takeSample() {
        let sampler: ProcessTreeSampler
        switch state {
        case .starting(let server, _, _), .serving(let server, _): sampler = server.sampler
        case .idle, .building, .stopping, .stopped: return
        }
        guard let sample = sampler.sample(timeMs: clock()) else { return }
        samples.append(sample)
    }

    /// Marks a window edge. Only a serving system has a window.
    public func mark(_ edge: WindowMark) {
        takeSample()
        guard case .serving(let server, var record) = state else { return }
        switch edge {
        case .open: record.window.open(at: clock())
        case .close: record.window.close(at: clock())
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
        var system = SystemVersions(name: setup.system, container: containerName, versions: versions)
        system.environment = environmentNames.isEmpty ? nil : environmentNames
        return ServerNodeResult(
            node: node, host: host, samples: samples, window: record.window.measured,
            idleRssBytes: record.idleRssBytes, cgroupMemoryPeakBytes: cgroup.memoryPeakBytes,
            cpuAllowanceCores: allowance.cores, systemVersions: system)
    }

    /// The recipe's folder name (`Containers/<name>`, or its copy on an ssh host), or "builtin".
    private var containerName: String {
        setup.isBuiltin ? "builtin" : String(setup.container.split(separator: "/").last ?? "")
    }

    /// This host's cores under `limits`: the coordinator's cores say nothing about this host.
    static func allowance(_ limits: Limits?) -> CPUAllowance {
        CPUAllowance(
            hostCores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), cpus: limits?.cpus,
            cpusetSize: limits?.cpuset.flatMap { CPUList($0) }?.cpus.count)
    }

    /// The builtin server is this binary: its version and the C libraries it runs on.
    static func builtinVersions() -> [String: String] {
        var versions = ["barrage": BarrageVersion.current, "libuv": String(cString: uv_version_string())]
        if let info = nghttp2_version(0) { versions["nghttp2"] = String(cString: info.pointee.version_str) }
        return versions
    }

    /// The recipe's `$BARRAGE_BUILD_DIR/versions.txt`, empty when it wrote none.
    static func recipeVersions(buildDirectory: String) -> [String: String] {
        let path = buildDirectory + "/versions.txt"
        guard let file = fopen(path, "r") else { return [:] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        // versions.txt is a few lines; 64 KiB is plenty and bounds a stray huge file.
        while bytes.count < 1 << 16 {
            let count = fread(&chunk, 1, chunk.count, file)
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return SystemVersions.parse(versionsFile: String(decoding: bytes, as: UTF8.self))
    }

    /// Stops the system: SIGTERM to its process group, SIGKILL after `graceMs`; `completion`
    /// runs once it is gone.
    public func terminate(graceMs: UInt64 = 2000, completion: @escaping () -> Void) {
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
        case .building(let process, _):
            // A build is not worth a grace period: kill it and whatever it started.
            state = .stopping(nil, .none, waiting: [completion])
            ProcessGroup.signal(process.pid, SIGKILL)
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
        ProcessGroup.signal(group, SIGTERM)
        try? probeTimer.start(after: graceMs) { [weak self] in
            guard let self, case .stopping(let current?, _, _) = self.state, current.pid == group else { return }
            StandardError.write("barrage: \(self.setup.system) ignored SIGTERM for \(graceMs) ms; killing it\n")
            ProcessGroup.signal(group, SIGKILL)
        }
    }

    private func options(
        executable: String, arguments: [String], port: Int, stderr: StderrRelay, forBuild: Bool = false
    ) -> Process.Options {
        var barrage: [(name: String, value: String)] = [
            ("BARRAGE_HOST", setup.bindHost), ("BARRAGE_PORT", String(port)),
            ("BARRAGE_PROTOCOL", setup.protocolKind.rawValue), ("BARRAGE_BUILD_DIR", setup.buildDirectory)
        ]
        barrage += setup.limits?.environment ?? []
        if let tlsFiles, !forBuild { barrage += [("BARRAGE_TLS_CERT", tlsFiles.cert), ("BARRAGE_TLS_KEY", tlsFiles.key)] }
        let environment = ServerEnvironment.variables(
            inherited: ProcessEnvironment.current(), barrage: barrage,
            topology: setup.environment.map { ($0.name, $0.value) }, forBuild: forBuild)
        if !forBuild { environmentNames = environment.keys.sorted() }
        var options = Process.Options(executable: executable, arguments: arguments)
        options.environment = environment
        options.workingDirectory = setup.isBuiltin ? nil : setup.container
        // The worker's stdout is the control channel: the system's output goes to the log.
        options.stdin = .ignore
        options.stdout = .inherit(2)
        options.stderr = .inherit(stderr.childEnd)
        return options
    }

    /// `path` made absolute against the working directory.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd == "/" ? "/" + path : cwd + "/" + path
    }

    /// The cell is over for this server: its TLS files and its cgroup go.
    private func releaseCell() {
        tlsFiles?.folder.remove()
        tlsFiles = nil
        releaseCgroup()
    }

    /// Removes the cell's cgroup, killing whatever is still inside it.
    private func releaseCgroup() {
        guard let limiter = cgroup.limiter else { return }
        // The peak outlives the cgroup in the result.
        cgroup = .released(memoryPeakBytes: limiter.memoryPeakBytes())
        do {
            try limiter.remove()
        } catch {
            StandardError.write("barrage: could not remove the cgroup of \(setup.system): \(error.message)\n")
        }
    }

    /// `cpus 0.5, memory 512 MiB, cpuset 0`.
    static func describe(_ limits: Limits) -> String {
        var parts: [String] = []
        if let cpus = limits.cpus { parts.append("cpus \(cpus)") }
        if let memory = limits.memoryBytes {
            parts.append(memory % (1 << 20) == 0 ? "memory \(memory >> 20) MiB" : "memory \(memory) B")
        }
        if let cpuset = limits.cpuset { parts.append("cpuset \(cpuset)") }
        return parts.joined(separator: ", ")
    }

    /// A port the kernel considers free right now on `host`.
    static func freePort(host: String, loop: Loop) throws -> Int {
        let tcp = try TCP(loop: loop)
        defer { tcp.close() }
        try tcp.bind(host: host, port: 0)
        guard let port = tcp.localPort else { throw UVError(code: -99, operation: "uv_tcp_getsockname") }
        return port
    }
}

extension ServerSetup {
    var isBuiltin: Bool { container == "builtin" }
}
