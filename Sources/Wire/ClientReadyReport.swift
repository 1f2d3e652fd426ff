import Metrics

/// What a client worker reports once every connection was attempted (some may have failed).
public struct ClientReadyReport: Codable, Sendable, Equatable {
    /// Connections up.
    public var connectionsEstablished: Int
    /// Connections that failed, by reason ("ECONNREFUSED": 3).
    public var connectFailures: [String: UInt64]

    public init(connectionsEstablished: Int, connectFailures: [String: UInt64] = [:]) {
        self.connectionsEstablished = connectionsEstablished
        self.connectFailures = connectFailures
    }

    enum CodingKeys: String, CodingKey { case connectionsEstablished, connectFailures }

    /// Refuses counts past `FigureBounds` by name: the progress line adds every worker's.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        connectionsEstablished = try FigureBounds.checked(
            container.decode(Int.self, forKey: .connectionsEstablished), .connectionsEstablished, in: container)
        connectFailures = try container.decode([String: UInt64].self, forKey: .connectFailures)
        _ = try FigureBounds.checkedSum(connectFailures.values, .connectFailures, in: container)
    }
}
