/// A client's running totals since load started.
public struct ProgressReport: Codable, Sendable, Equatable {
    public var requests: UInt64
    public var errors: UInt64
    public var connectionsUp: Int

    public init(requests: UInt64, errors: UInt64, connectionsUp: Int) {
        self.requests = requests
        self.errors = errors
        self.connectionsUp = connectionsUp
    }
}
