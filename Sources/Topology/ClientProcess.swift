/// One client worker process of a cell and its share of the load.
public struct ClientProcess: Sendable, Equatable {
    /// `client-1`, `client-2`, …, numbered over all client groups in file order.
    public var name: String
    /// The host that runs it.
    public var host: Host
    /// Its share of the cell's connections.
    public var connections: Int
    /// Its thread count (from its group).
    public var threads: Int

    /// Creates a client process.
    public init(name: String, host: Host, connections: Int, threads: Int) {
        self.name = name
        self.host = host
        self.connections = connections
        self.threads = threads
    }
}
