import Metrics
import Topology
import Wire

/// Everything a server worker decides from its `ServerSetup` before it touches the system:
/// what to build and what to start, with which arguments and environment, whether the cell
/// gets a cgroup, where readiness is probed and where the versions come from. (When it stops
/// and with which grace is the worker agent's to decide: `AgentTimeouts`.)
/// Pure: the executors in Serve carry it out and decide nothing themselves.
public struct ServerPlan: Sendable, Equatable {
    /// The setup, its recipe and build folders made absolute.
    public let setup: ServerSetup
    /// This very binary, which is the builtin server and joins cgroups (`barrage cgexec`).
    public let selfExecutable: String

    /// How often readiness is probed while the system starts.
    public static let probeIntervalMs: UInt64 = 50

    /// The plan for `setup`. A remote coordinator names recipe and build folders relative to
    /// the worker's working directory (the ssh user's home), and the system runs elsewhere, so
    /// they are anchored with `absolute` (the worker's `WorkingDirectory.absolute`).
    public init(
        setup: ServerSetup, selfExecutable: String, absolute: (String) -> String
    ) {
        var setup = setup
        if setup.container != Self.builtin { setup.container = absolute(setup.container) }
        setup.buildDirectory = absolute(setup.buildDirectory)
        self.setup = setup
        self.selfExecutable = selfExecutable
    }

    /// The `container` that means the builtin server.
    static let builtin = "builtin"

    /// True for the builtin server (`barrage serve`), false for a recipe.
    public var isBuiltin: Bool { setup.container == Self.builtin }

    /// The limits the cell's cgroup enforces; nil when there are none (no cgroup).
    public var cgroupLimits: Limits? {
        guard let limits = setup.limits, !limits.isEmpty else { return nil }
        return limits
    }

    /// The recipe's `build`, to run first when the setup asks for it and the file is an
    /// executable (a recipe need not have one); nil for the builtin server or when not asked.
    /// It runs with the worker's whole environment (it measures nothing) and Barrage's
    /// variables, without the TLS files.
    public func build(inherited: [(String, String)]) -> ServerCommand? {
        guard setup.runBuild, !isBuiltin else { return nil }
        return ServerCommand(
            executable: setup.container + "/build", arguments: [],
            environment: environment(inherited: inherited, port: 0, tls: nil, forBuild: true),
            workingDirectory: setup.container)
    }

    /// The system as it is started on `port`: the builtin server (this binary's `serve`) or
    /// the recipe's `run`, both before any cgroup wrapping.
    public func system(port: Int, tls: ServerTLSFiles?, inherited: [(String, String)]) -> ServerCommand {
        let executable: String
        let arguments: [String]
        if isBuiltin {
            executable = selfExecutable
            arguments = [
                "serve", "--protocol", setup.protocolKind.rawValue, "--host", setup.bindHost, "--port", String(port),
                "--threads", String(setup.threads)
            ]
        } else {
            executable = setup.container + "/run"
            arguments = []
        }
        return ServerCommand(
            executable: executable, arguments: arguments,
            environment: environment(inherited: inherited, port: port, tls: tls, forBuild: false),
            workingDirectory: isBuiltin ? nil : setup.container)
    }

    /// `system` as spawned: inside the cell's cgroup directories, through `barrage cgexec`,
    /// which joins them and then execs, so the whole tree runs limited from its first
    /// instruction; as it is without a cgroup.
    public func spawned(_ system: ServerCommand, cgroupDirectories: [String]) -> ServerCommand {
        guard !cgroupDirectories.isEmpty else { return system }
        var command = system
        command.executable = selfExecutable
        command.arguments =
            ["cgexec"] + cgroupDirectories.flatMap { ["--cgroup", $0] } + ["--", system.executable] + system.arguments
        return command
    }

    /// The port the system is told: the setup's, or when that is 0 the one `pickFree` finds.
    public func port(pickFree: () throws -> Int) rethrows -> Int {
        setup.port != 0 ? setup.port : try pickFree()
    }

    /// The environment of the build (`forBuild`) or the system; see `ServerEnvironment`.
    func environment(inherited: [(String, String)], port: Int, tls: ServerTLSFiles?, forBuild: Bool) -> [String: String] {
        var barrage: [(name: String, value: String)] = [
            ("BARRAGE_HOST", setup.bindHost), ("BARRAGE_PORT", String(port)),
            ("BARRAGE_PROTOCOL", setup.protocolKind.rawValue), ("BARRAGE_BUILD_DIR", setup.buildDirectory)
        ]
        barrage += setup.limits?.environment ?? []
        if let tls, !forBuild { barrage += [("BARRAGE_TLS_CERT", tls.certificate), ("BARRAGE_TLS_KEY", tls.key)] }
        return ServerEnvironment.variables(
            inherited: inherited, barrage: barrage, topology: setup.environment.map { ($0.name, $0.value) },
            forBuild: forBuild)
    }

    /// Where readiness is probed: the bind address, or loopback for a wildcard one.
    public var probeHost: String {
        switch setup.bindHost {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::": return "::1"
        default: return setup.bindHost
        }
    }

    /// Where the system's versions are read from once it is built.
    public var versionsSource: VersionsSource {
        isBuiltin ? .builtin : .file(setup.buildDirectory + "/versions.txt")
    }

    /// The recipe's folder name (`Containers/<name>`, or its copy on an ssh host), or "builtin".
    public var containerName: String {
        isBuiltin ? Self.builtin : String(setup.container.split(separator: "/").last ?? "")
    }

    /// What the system is, in a failure message: "builtin" or the recipe's `run`.
    public var program: String {
        isBuiltin ? Self.builtin : setup.container + "/run"
    }

    /// The CPU the system may use on this host (`hostCores` online): the coordinator's cores
    /// say nothing about this host.
    public func allowance(hostCores: Int) -> CPUAllowance {
        CPUAllowance(hostCores: hostCores, cpus: setup.limits?.cpus, cpusetSize: setup.limits?.cpusetSize)
    }

    /// How the system's unasked exit is told: out of memory when the kernel's SIGKILL came
    /// with OOM kills in the cell's cgroup, else its status and last stderr line.
    public func exitFailure(_ status: ExitStatus, oomKills: UInt64?, lastLine: String?) -> ServerFailure {
        if case .signaled(9) = status, let limits = setup.limits, (oomKills ?? 0) > 0 {
            return .outOfMemory(system: setup.system, limits: limits, status: status)
        }
        return .exited(system: setup.system, program: program, status: status, lastLine: lastLine)
    }
}
