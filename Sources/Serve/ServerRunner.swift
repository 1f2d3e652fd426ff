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
        public var ready: (ReadyReport) -> Void
        public var failed: (String) -> Void
        /// The recipe's `build` started.
        public var building: () -> Void
        public init(ready: @escaping (ReadyReport) -> Void, failed: @escaping (String) -> Void,
                    building: @escaping () -> Void = {}) {
            self.ready = ready
            self.failed = failed
            self.building = building
        }
    }

    private enum State {
        case idle
        case building(Process)
        case starting(Process)
        case serving(Process)
        case stopping
        case stopped
    }

    private let loop: Loop
    private let setup: ServerSetup
    private let callbacks: Callbacks
    /// Path of this very binary, for the builtin server.
    private let selfExecutable: String
    private var state: State = .idle
    private var port = 0
    private var sampler: ProcessTreeSampler?
    private var samples: [ResourceSample] = []
    private var windowStartMs: UInt64?
    private var windowEndMs: UInt64?
    private let sampleTimer: Timer
    private let probeTimer: Timer
    private var probe: TCP?
    private var readyDeadlineMs: UInt64 = 0
    private var onStopped: [() -> Void] = []
    private var serverPid: Int32 = 0
    /// The cell's cgroup when limits are on; removed (killing anything left) when the system stops.
    private var limiter: CgroupLimiter?
    private var idleRssBytes: UInt64?
    private var cgroupMemoryPeakBytes: UInt64?
    /// The CPU the system may use here: this host's cores under the cell's limits.
    private let allowance: CPUAllowance
    /// What the system was built from; read once it is built.
    private var versions: [String: String] = [:]

    public init(loop: Loop, setup: ServerSetup, selfExecutable: String, callbacks: Callbacks) throws {
        self.loop = loop
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
        if let limits = setup.limits, !limits.isEmpty {
            CgroupLimiter.sweepStale()
            do {
                limiter = try CgroupLimiter(cellID: setup.cellID, limits: limits)
                StandardError.write("barrage: limits for \(setup.system): \(limiter!.plan.summary)\n")
            } catch {
                state = .stopped
                callbacks.failed("limits \(Self.describe(limits)) cannot be enforced on \(setup.host): \(error.message)")
                return
            }
        }
        let build = setup.container + "/build"
        if setup.runBuild, !setup.isBuiltin, access(build, X_OK) == 0 {
            StandardError.write("barrage: building \(setup.system): \(build)\n")
            do {
                let process = try Process(loop: loop, options: options(executable: build, arguments: [])) { [weak self] status, signal in
                    self?.buildEnded(ExitStatus(exitStatus: status, termSignal: signal))
                }
                state = .building(process)
                callbacks.building()
            } catch {
                callbacks.failed("could not run \(build): \(error)")
            }
        } else {
            launch()
        }
    }

    private func buildEnded(_ status: ExitStatus) {
        guard case .building = state else { return }
        guard status.isSuccess else {
            state = .stopped
            callbacks.failed("\(setup.container)/build \(status) (its output is in this node's log)")
            return
        }
        launch()
    }

    private func launch() {
        versions = setup.isBuiltin ? Self.builtinVersions() : Self.recipeVersions(buildDirectory: setup.buildDirectory)
        do {
            port = setup.port != 0 ? setup.port : try Self.freePort(host: setup.bindHost, loop: loop)
        } catch {
            state = .stopped
            callbacks.failed("no free port on \(setup.bindHost): \(error)")
            return
        }
        let executable: String
        let arguments: [String]
        if setup.isBuiltin {
            executable = selfExecutable
            arguments = ["serve", "--protocol", setup.protocolKind.rawValue, "--host", setup.bindHost, "--port", String(port),
                         "--threads", String(allowance.threads)]
        } else {
            executable = setup.container + "/run"
            arguments = []
        }
        StandardError.write("barrage: starting \(setup.system): \(executable) \(arguments.joined(separator: " ")) on port \(port)\n")
        var command = (executable: executable, arguments: arguments)
        if let limiter {
            // cgexec joins the cgroup and then execs, so the whole tree runs limited from its first instruction.
            command = (selfExecutable, ["cgexec"] + limiter.directories.flatMap { ["--cgroup", $0] } + ["--", executable] + arguments)
        }
        do {
            var opts = options(executable: command.executable, arguments: command.arguments)
            // Its own session: the whole tree is sampled and killed as one.
            opts.detached = true
            let process = try Process(loop: loop, options: opts) { [weak self] status, signal in
                self?.serverEnded(ExitStatus(exitStatus: status, termSignal: signal))
            }
            serverPid = process.pid
            sampler = ProcessTreeSampler(root: process.pid)
            state = .starting(process)
        } catch {
            state = .stopped
            callbacks.failed("could not start \(executable): \(error)")
            return
        }
        takeSample()
        try? sampleTimer.start(after: setup.sampleIntervalMs, repeat: setup.sampleIntervalMs) { [weak self] in self?.takeSample() }
        readyDeadlineMs = loop.now + setup.readyTimeoutMs
        probeAccepts()
    }

    /// Tries a TCP connect every 50 ms until the system accepts one.
    private func probeAccepts() {
        guard case .starting = state else { return }
        guard loop.now < readyDeadlineMs else {
            callbacks.failed("\(setup.system) did not accept TCP connections on \(probeHost):\(port) within \(setup.readyTimeoutMs / 1000) s")
            return
        }
        do {
            let tcp = try TCP(loop: loop)
            probe = tcp
            try tcp.connect(host: probeHost, port: port) { [weak self] error in
                tcp.close()
                guard let self else { return }
                self.probe = nil
                guard case .starting(let process) = self.state else { return }
                if error == nil {
                    self.takeSample()
                    self.idleRssBytes = self.samples.last?.rssBytes
                    self.state = .serving(process)
                    self.callbacks.ready(ReadyReport(port: self.port, serverProcessGroup: process.pid))
                } else {
                    try? self.probeTimer.start(after: 50) { [weak self] in self?.probeAccepts() }
                }
            }
        } catch {
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

    private func serverEnded(_ status: ExitStatus) {
        sampleTimer.stop()
        let wasStopping: Bool
        switch state {
        case .stopping, .stopped: wasStopping = true
        default: wasStopping = false
        }
        state = .stopped
        if !wasStopping {
            if case .signaled(SIGKILL) = status, let limiter, (limiter.oomKills() ?? 0) > 0 {
                callbacks.failed("\(setup.system) ran out of memory (limit \(Self.describe(setup.limits ?? Limits()))): "
                                 + "the kernel killed it (\(status))")
            } else {
                callbacks.failed("\(setup.system) (\(setup.isBuiltin ? "builtin" : setup.container + "/run")) \(status)")
            }
        }
        releaseCgroup()
        let waiting = onStopped
        onStopped = []
        waiting.forEach { $0() }
    }

    private func takeSample() {
        guard let sampler, let sample = sampler.sample(timeMs: Loop.hrtime() / 1_000_000) else { return }
        samples.append(sample)
    }

    /// Marks a window edge: the first call opens the window, the second closes it.
    public func mark(index: Int) {
        takeSample()
        let now = Loop.hrtime() / 1_000_000
        if index == 1 { windowStartMs = now } else { windowEndMs = now }
    }

    /// Everything sampled so far, with the window.
    public func result(node: String, host: String) -> ServerNodeResult {
        takeSample()
        var window: MeasurementWindow?
        if let start = windowStartMs, let end = windowEndMs { window = MeasurementWindow(startMs: start, endMs: end) }
        let system = SystemVersions(name: setup.system, container: containerName, versions: versions)
        return ServerNodeResult(node: node, host: host, samples: samples, window: window, idleRssBytes: idleRssBytes,
                                cgroupMemoryPeakBytes: limiter?.memoryPeakBytes() ?? cgroupMemoryPeakBytes,
                                cpuAllowanceCores: allowance.cores, systemVersions: system)
    }

    /// The recipe's folder name (`Containers/<name>`, or its copy on an ssh host), or "builtin".
    private var containerName: String {
        setup.isBuiltin ? "builtin" : String(setup.container.split(separator: "/").last ?? "")
    }

    /// This host's cores under `limits`: the coordinator's cores say nothing about this host.
    static func allowance(_ limits: Limits?) -> CPUAllowance {
        CPUAllowance(hostCores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), cpus: limits?.cpus,
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
        switch state {
        case .idle, .stopped:
            state = .stopped
            releaseCgroup()
            completion()
            return
        case .building(let process):
            state = .stopping
            onStopped.append(completion)
            try? process.kill(SIGKILL)
            return
        case .starting, .serving:
            break
        case .stopping:
            onStopped.append(completion)
            return
        }
        state = .stopping
        onStopped.append(completion)
        Glibc.kill(-serverPid, SIGTERM)
        try? probeTimer.start(after: graceMs) { [weak self] in
            guard let self, case .stopping = self.state else { return }
            StandardError.write("barrage: \(self.setup.system) ignored SIGTERM for \(graceMs) ms; killing it\n")
            Glibc.kill(-self.serverPid, SIGKILL)
        }
    }

    private func options(executable: String, arguments: [String]) -> Process.Options {
        var environment: [String: String] = [:]
        for (key, value) in ProcessEnvironment.current() { environment[key] = value }
        environment["BARRAGE_HOST"] = setup.bindHost
        environment["BARRAGE_PORT"] = String(port)
        environment["BARRAGE_PROTOCOL"] = setup.protocolKind.rawValue
        environment["BARRAGE_BUILD_DIR"] = setup.buildDirectory
        for pair in setup.limits?.environment ?? [] { environment[pair.name] = pair.value }
        for pair in setup.environment { environment[pair.name] = pair.value }
        var options = Process.Options(executable: executable, arguments: arguments)
        options.environment = environment
        options.workingDirectory = setup.isBuiltin ? nil : setup.container
        // The worker's stdout is the control channel: the system's output goes to the log.
        options.stdin = .ignore
        options.stdout = .inherit(2)
        options.stderr = .inherit(2)
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

    /// Removes the cell's cgroup, killing whatever is still inside it.
    private func releaseCgroup() {
        guard let limiter else { return }
        // The peak outlives the cgroup in the result.
        cgroupMemoryPeakBytes = limiter.memoryPeakBytes()
        self.limiter = nil
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
