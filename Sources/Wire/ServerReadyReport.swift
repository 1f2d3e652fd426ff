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
}
