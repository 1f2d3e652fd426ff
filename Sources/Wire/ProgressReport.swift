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

    enum CodingKeys: String, CodingKey { case requests, errors, connectionsUp, topError }

    /// Refuses counts past `FigureBounds`: the progress line adds every worker's.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = FigureBounds.self
        requests = try bounds.checked(
            container.decode(UInt64.self, forKey: .requests), atMost: bounds.maximumCount, .requests, in: container)
        errors = try bounds.checked(
            container.decode(UInt64.self, forKey: .errors), atMost: bounds.maximumCount, .errors, in: container)
        connectionsUp = try bounds.checked(container.decode(Int.self, forKey: .connectionsUp), .connectionsUp, in: container)
        topError = try container.decodeIfPresent(ErrorSample.self, forKey: .topError)
    }
}
