/// Where one cell's run stands. Every cell goes through these in order, or jumps to
/// `finishing` on the first failure. The phases that wait for answers carry the nodes still
/// owing one.
public enum CellPhase: Equatable, Sendable {
    /// Nothing started yet.
    case idle
    /// Server workers spawned; waiting for their hello and ready (system accepts TCP).
    case startingServer
    /// Client workers spawned; waiting for every one to connect and report ready (the barrier).
    case startingClients
    /// Load running; warmup figures are thrown away.
    case warmup
    /// `mark(.open)` sent to every worker; waiting for these nodes' acks.
    case openingWindow(awaiting: Set<String>)
    /// Inside the measurement window.
    case measuring
    /// `mark(.close)` sent; waiting for these nodes' acks.
    case closingWindow(awaiting: Set<String>)
    /// `stop` sent to clients; waiting for these clients' results.
    case collectingClients(awaiting: Set<String>)
    /// A capacity search between trials: the trial's clients are gone, the server lives on,
    /// and the driver decides (with its `CapacitySearch`) whether another trial follows.
    case betweenTrials
    /// `stop` sent to the server workers; waiting for these servers' samples.
    case collectingServer(awaiting: Set<String>)
    /// Control channels closed; waiting for every worker process to exit.
    case finishing(CellOutcome)
    /// The grace period ran out: live workers were sent SIGKILL; waiting for their exits
    /// until the kill deadline, then giving up on them.
    case killing(CellOutcome)
    /// Every worker is gone (or given up on).
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
        case .killing: return "killing workers"
        case .done: return "done"
        }
    }

    /// The outcome of a cell that is ending or has ended.
    var outcome: CellOutcome? {
        switch self {
        case .finishing(let outcome), .killing(let outcome), .done(let outcome): return outcome
        case .idle, .startingServer, .startingClients, .warmup, .openingWindow, .measuring, .closingWindow,
            .collectingClients, .betweenTrials, .collectingServer:
            return nil
        }
    }
}
