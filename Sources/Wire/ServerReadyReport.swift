/// What a server worker reports once its system accepts TCP connections.
public struct ServerReadyReport: Codable, Sendable, Equatable {
    /// The port the system listens on (the one asked for, or the free one the worker picked).
    public var port: Int
    /// Process group of the system under test, so the coordinator can kill it if the worker
    /// itself dies.
    public var serverProcessGroup: Int32

    public init(port: Int, serverProcessGroup: Int32) {
        self.port = port
        self.serverProcessGroup = serverProcessGroup
    }

    enum CodingKeys: String, CodingKey { case port, serverProcessGroup }

    /// Refuses a port no socket has, by name: the clients would be sent there.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        port = try container.decode(Int.self, forKey: .port)
        guard (1...65_535).contains(port) else {
            throw DecodingError.dataCorruptedError(forKey: .port, in: container, debugDescription: "\(port) is not a TCP port")
        }
        serverProcessGroup = try container.decode(Int32.self, forKey: .serverProcessGroup)
    }
}
