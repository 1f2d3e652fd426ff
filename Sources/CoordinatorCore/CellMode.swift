/// Whether a cell measures once or runs trials against one server process.
public enum CellMode: Equatable, Sendable {
    /// One warmup, one window, then the server stops: every fixed-rate and `max` cell.
    case single
    /// A capacity search: after each trial's clients report, the cell waits between trials with
    /// the server still up, until the driver asks for the next trial or ends the trials.
    case trials(settleMs: UInt64)
}
