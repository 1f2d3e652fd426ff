/// How far the coordinator's shutdown has gone, and what one more SIGINT or SIGTERM does.
///
/// The first signal stops the run in order (clients, then the server; finished cells are kept);
/// a second one (and any after it) stops waiting and kills every worker and system under test
/// at once.
public enum ShutdownState: Equatable, Sendable {
    /// No signal yet.
    case running
    /// One signal: the run is being stopped in order, for `reason` ("interrupted by SIGTERM").
    case stopping(reason: String)
    /// A second signal: everything is being killed now.
    case killing(reason: String)

    /// What the coordinator does about a signal.
    public enum Response: Equatable, Sendable {
        /// Stop the running cell in order and start no other; `reason` goes in the results.
        case stopInOrder(reason: String)
        /// SIGKILL every worker and every local system under test now.
        case killNow
    }

    /// Takes in `signal` (as messages name it: "SIGINT (Ctrl-C)"); what to do about it.
    public mutating func received(_ signal: String) -> Response {
        switch self {
        case .running:
            let reason = "interrupted by \(signal)"
            self = .stopping(reason: reason)
            return .stopInOrder(reason: reason)
        case .stopping(let reason), .killing(let reason):
            self = .killing(reason: reason)
            return .killNow
        }
    }

    /// Why the run stops, once a signal came.
    public var reason: String? {
        switch self {
        case .running: return nil
        case .stopping(let reason), .killing(let reason): return reason
        }
    }
}
