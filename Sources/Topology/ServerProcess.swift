/// The server process of a cell and where it runs.
public struct ServerProcess: Sendable, Equatable {
    /// The host that runs it.
    public var host: Host
    /// Its listening port; 0 means any free port.
    public var port: Int

    /// Creates a server process.
    public init(host: Host, port: Int) {
        self.host = host
        self.port = port
    }
}
