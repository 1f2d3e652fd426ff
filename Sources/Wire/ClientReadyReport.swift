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
}
