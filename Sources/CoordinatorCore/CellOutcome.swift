/// How a cell ended.
public enum CellOutcome: Equatable, Sendable {
    case ok
    /// The cell failed; the failure names the node and host.
    case failed(CellFailure)
    /// The user interrupted the run (Ctrl-C / SIGTERM) during this cell.
    case interrupted(String)
}
