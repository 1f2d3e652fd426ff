/// The whole comparison: `summary.json`, per SPEC.md.
public struct RunSummary: Codable, Sendable, Equatable {
    /// Version of Barrage that ran, e.g. "0.1.0".
    public var barrage: String
    /// The topology's `name`.
    public var topology: String
    /// When the run started, ISO 8601 in UTC, e.g. "2026-11-25T08:00:00Z".
    public var started: String
    /// How the run ended.
    public var status: RunStatus
    /// Every cell that ran or was attempted, in run order.
    public var cells: [CellSummary]

    /// Creates a summary; see each property.
    public init(barrage: String, topology: String, started: String, status: RunStatus, cells: [CellSummary]) {
        self.barrage = barrage
        self.topology = topology
        self.started = started
        self.status = status
        self.cells = cells
    }
}
