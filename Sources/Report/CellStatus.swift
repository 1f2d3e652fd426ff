/// How one cell ended: a cell's `status` in `summary.json`.
public enum CellStatus: String, Codable, Sendable {
    /// The cell ran through its measurement window.
    case ok
    /// The cell could not be measured; `error` says why.
    case failed
    /// The run was stopped while this cell ran.
    case interrupted
}
