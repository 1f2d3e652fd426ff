/// One edge of the measurement window, as the coordinator's `mark` names it.
///
/// In Metrics, beside `MeasurementWindow`, so that Load (the load threads' counters), Serve
/// (the server's sampler) and Wire (the control protocol) all say the same thing without
/// Load linking the control protocol.
public enum WindowMark: String, Codable, Sendable, Equatable, CaseIterable {
    /// Warmup is over: counters reset, the window opens.
    case open
    /// The window closes: what came after it is not measured.
    case close
}
