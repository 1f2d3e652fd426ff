import TLSSettings
import Topology

/// Everything a server worker needs to start and watch one system under test.
public struct ServerSetup: Codable, Sendable, Equatable {
    /// Node name in results ("server").
    public var node: String
    /// Topology host name, for messages.
    public var host: String
    /// The system's label.
    public var system: String
    /// "builtin", or the absolute path of the recipe folder (`Containers/<name>`).
    public var container: String
    /// Protocol to serve.
    public var protocolKind: WorkloadProtocol
    /// Address to bind (`BARRAGE_HOST`).
    public var bindHost: String
    /// Port to bind; 0 lets the worker pick a free one.
    public var port: Int
    /// Extra environment for the server, in topology order.
    public var environment: [EnvironmentPair]
    /// Where a recipe's `build` puts artifacts (`BARRAGE_BUILD_DIR`).
    public var buildDirectory: String
    /// Whether to run the recipe's `build` first (once per run per system).
    public var runBuild: Bool
    /// How long the system may take to accept TCP after it starts.
    public var readyTimeoutMs: UInt64
    /// Resource sampling period.
    public var sampleIntervalMs: UInt64
    /// The cell's id, naming its cgroup.
    public var cellID: String
    /// CPU and memory limits enforced with cgroups; nil or empty = none.
    public var limits: Limits?
    /// Event-loop threads of the builtin server: one per core it may use on its host (the
    /// cores that host's worker reported, narrowed by the limits; see `CPUAllowance`).
    public var threads: Int
    /// h2 over TLS: the certificate and key the system serves (`BARRAGE_TLS_CERT` and
    /// `BARRAGE_TLS_KEY` name the files the worker writes them to); nil = plaintext.
    public var tls: IssuedCertificate?

    public init(
        node: String, host: String, system: String, container: String, protocolKind: WorkloadProtocol,
        bindHost: String, port: Int, environment: [EnvironmentPair], buildDirectory: String,
        runBuild: Bool, readyTimeoutMs: UInt64, sampleIntervalMs: UInt64, cellID: String,
        limits: Limits?, threads: Int, tls: IssuedCertificate? = nil
    ) {
        self.tls = tls
        self.node = node
        self.host = host
        self.system = system
        self.container = container
        self.protocolKind = protocolKind
        self.bindHost = bindHost
        self.port = port
        self.environment = environment
        self.buildDirectory = buildDirectory
        self.runBuild = runBuild
        self.readyTimeoutMs = readyTimeoutMs
        self.sampleIntervalMs = sampleIntervalMs
        self.cellID = cellID
        self.limits = limits
        self.threads = threads
    }
}

/// One environment variable, kept in order (a dictionary would lose the topology's order).
public struct EnvironmentPair: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
