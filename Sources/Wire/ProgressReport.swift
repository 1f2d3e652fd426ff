import Metrics

/// A client's running totals since load started.
public struct ProgressReport: Codable, Sendable, Equatable {
    public var requests: UInt64
    public var errors: UInt64
    public var connectionsUp: Int
    /// The most common failure since load started, with the server's words for it.
    public var topError: ErrorSample?

    public init(requests: UInt64, errors: UInt64, connectionsUp: Int, topError: ErrorSample? = nil) {
        self.topError = topError
        self.requests = requests
        self.errors = errors
        self.connectionsUp = connectionsUp
    }
}
