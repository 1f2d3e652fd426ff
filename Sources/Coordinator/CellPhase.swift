/// Where one cell's run stands. Every cell goes through these in order, or jumps to
/// `finishing` on the first failure.
public enum CellPhase: Equatable, Sendable {
    /// Nothing started yet.
    case idle
    /// Server worker spawned; waiting for its hello and ready (system accepts TCP).
    case startingServer
    /// Client workers spawned; waiting for every one to connect and report ready (the barrier).
    case startingClients
    /// Load running; warmup figures are thrown away.
    case warmup
    /// First mark sent to every worker; waiting for every ack.
    case openingWindow
    /// Inside the measurement window.
    case measuring
    /// Second mark sent; waiting for every ack.
    case closingWindow
    /// `stop` sent to clients; waiting for their results.
    case collectingClients
    /// A capacity search between trials: the trial's clients are gone, the server lives on,
    /// and the driver decides (with its `CapacitySearch`) whether another trial follows.
    case betweenTrials
    /// `stop` sent to the server worker; waiting for its samples.
    case collectingServer
    /// Control channels closed; waiting for every worker process to exit.
    case finishing(CellOutcome)
    /// Every worker is gone.
    case done(CellOutcome)

    /// Words for messages and progress lines.
    public var label: String {
        switch self {
        case .idle: return "idle"
        case .startingServer: return "starting server"
        case .startingClients: return "starting clients"
        case .warmup: return "warmup"
        case .openingWindow: return "opening window"
        case .measuring: return "measuring"
        case .closingWindow: return "closing window"
        case .collectingClients: return "collecting client results"
        case .betweenTrials: return "between trials"
        case .collectingServer: return "collecting server samples"
        case .finishing: return "stopping workers"
        case .done: return "done"
        }
    }
}

/// How a cell ended.
public enum CellOutcome: Equatable, Sendable {
    case ok
    /// The cell failed; the text says why, naming the node and host.
    case failed(String)
    /// The user interrupted the run (Ctrl-C / SIGTERM) during this cell.
    case interrupted(String)
}
