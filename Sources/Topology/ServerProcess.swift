/// One server replica of a cell and where it runs.
public struct ServerProcess: Sendable, Equatable {
    /// `server` when the cell has one replica (as results have always named it), else
    /// `server-1` … `server-N`, in the order of `server.hosts`.
    public var name: String
    /// The host that runs it.
    public var host: Host
    /// Its listening port; 0 means any free port.
    public var port: Int

    /// Creates a server process; `name` defaults to the single server's.
    public init(name: String = "server", host: Host, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    /// The node name of replica `number` (1-based) out of `replicas`.
    public static func name(replica number: Int, of replicas: Int) -> String {
        replicas == 1 ? "server" : "server-\(number)"
    }
}
