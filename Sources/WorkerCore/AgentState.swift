import Wire

/// Where a worker agent stands. Each state carries what its answers need.
public enum AgentState: Sendable, Equatable {
    /// Started, told nothing yet: a setup is the only message with an answer.
    case waiting
    /// A client setup came; the open-files limit is being raised before anything starts.
    case openingFiles(ClientSetup)
    /// A client worker: its threads connect, load, mark and stop as told.
    case client(node: String)
    /// A server worker for `node` on `host`.
    case server(node: String, host: String)
    /// Ending: what it started is being ended, then the channel is flushed and the worker exits.
    case ending

    /// The state in words, for a refused message.
    public var description: String {
        switch self {
        case .waiting: "waiting for a setup"
        case .openingFiles(let setup): "setting up client \(setup.node)"
        case .client(let node): "client \(node)"
        case .server(let node, _): "server \(node)"
        case .ending: "shutting down"
        }
    }
}
