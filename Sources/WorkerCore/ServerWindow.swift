import Metrics

/// The measurement window on the server side, as the coordinator marks it: not yet opened,
/// open since a time, or closed. Times are milliseconds on the runner's clock.
public enum ServerWindow: Equatable, Sendable {
    case unopened
    case open(startMs: UInt64)
    case closed(MeasurementWindow)

    /// Opens (again) at `nowMs`: a second open restarts the window.
    public mutating func open(at nowMs: UInt64) {
        self = .open(startMs: nowMs)
    }

    /// Closes an open window at `nowMs`; a close without an open leaves no window, as a close
    /// of a closed one keeps the first.
    public mutating func close(at nowMs: UInt64) {
        guard case .open(let start) = self else { return }
        self = .closed(MeasurementWindow(startMs: start, endMs: max(start, nowMs)))
    }

    /// The window once both edges are marked.
    public var measured: MeasurementWindow? {
        if case .closed(let window) = self { return window }
        return nil
    }
}
