/// How a whole run ended: `summary.json`'s top-level `status`.
public enum RunStatus: String, Codable, Sendable {
    /// Every cell ran and measured.
    case ok
    /// At least one cell failed; the others' figures are still valid.
    case failed
    /// The run was stopped (e.g. Ctrl-C) before every cell ran; finished cells are kept.
    case interrupted
}
