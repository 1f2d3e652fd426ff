import Metrics

/// One message on a worker's control channel (its stdin and stdout).
///
/// The exchange follows the gRPC benchmark driver's: the first message each way is
/// `hello`/`setup`; `mark` closes one interval and opens the next; `stop` asks for the
/// result; the coordinator closing the channel means "kill what you started and exit".
public enum ControlMessage: Codable, Sendable, Equatable {
    // Coordinator → worker.
    /// Start serving (server) or connect (client); answered by `ready` or `failed`.
    case setupServer(ServerSetup)
    case setupClient(ClientSetup)
    /// Clients: begin sending load.
    case start
    /// Close the current interval; the first mark opens the measurement window, the second
    /// closes it. Answered by `marked`.
    case mark(index: Int)
    /// Stop load or the server and answer with the result.
    case stop
    /// Sent every second: a worker that hears nothing for `WorkerAgent.silenceLimit` takes its
    /// coordinator for gone (a cut network can leave an ssh session open for hours) and exits.
    case heartbeat

    // Worker → coordinator.
    /// First message of every worker, with the CPUs online on its host (the builtin server is
    /// sized from a server host's).
    case hello(version: Int, pid: Int32, cores: Int)
    /// Setup finished. Servers give the port they serve on and the server's process group.
    case ready(ReadyReport)
    case marked(index: Int)
    case clientResult(ClientNodeResult)
    case serverResult(ServerNodeResult)
    /// The worker cannot go on; `reason` is for the user.
    case failed(reason: String)
    /// Live figures for progress lines (clients, about once a second).
    case progress(ProgressReport)
    /// Server: the recipe's `build` is running (first use, or the recipe changed), so the
    /// progress line can say why starting takes long; `ready` or `failed` still follows.
    case building(system: String)
}

/// What a worker reports when it is ready.
public struct ReadyReport: Codable, Sendable, Equatable {
    /// Servers: the port the system listens on.
    public var port: Int?
    /// Servers: process group of the system under test, so the coordinator can kill it if
    /// the worker itself dies.
    public var serverProcessGroup: Int32?
    /// Clients: connections up, and those that failed by reason.
    public var connectionsEstablished: Int?
    public var connectFailures: [String: UInt64]?

    public init(port: Int? = nil, serverProcessGroup: Int32? = nil, connectionsEstablished: Int? = nil,
                connectFailures: [String: UInt64]? = nil) {
        self.port = port
        self.serverProcessGroup = serverProcessGroup
        self.connectionsEstablished = connectionsEstablished
        self.connectFailures = connectFailures
    }
}

/// A client's running totals since load started.
public struct ProgressReport: Codable, Sendable, Equatable {
    public var requests: UInt64
    public var errors: UInt64
    public var connectionsUp: Int

    public init(requests: UInt64, errors: UInt64, connectionsUp: Int) {
        self.requests = requests
        self.errors = errors
        self.connectionsUp = connectionsUp
    }
}
