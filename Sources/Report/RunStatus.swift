/// How a whole run ended: `summary.json`'s top-level `status`.
public enum RunStatus: String, Codable, Sendable {
    /// Every cell ran and measured.
    case ok
    /// At least one cell failed; the others' figures are still valid.
    case failed
    /// The run was stopped (e.g. Ctrl-C) before every cell ran; finished cells are kept.
    case interrupted

    /// The status of a run whose cells ended so: interrupted when the run was stopped, else
    /// failed when any cell did not end ok.
    public static func of(_ cells: [CellSummary], interrupted: Bool) -> RunStatus {
        if interrupted { return .interrupted }
        return cells.allSatisfy { $0.status == .ok } ? .ok : .failed
    }
}
