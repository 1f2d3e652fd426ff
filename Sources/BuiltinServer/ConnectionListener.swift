import UV

/// A listening TCP socket on one loop that wraps each accepted socket in a connection object
/// and keeps it until it closes; closing the listener closes them all.
final class ConnectionListener {
    private let listener: TCP
    private var connections: [ObjectIdentifier: any AcceptedConnection] = [:]
    /// Connections accepted so far.
    private(set) var accepted = 0

    /// Binds and listens on `host:port` (with SO_REUSEPORT if `reusePort`). `open` wraps
    /// each accepted socket; it must not start it, and its connection must call `remove`
    /// when it closes.
    init(
        loop: Loop, host: String, port: Int, reusePort: Bool,
        open: @escaping (TCP, ConnectionListener) -> any AcceptedConnection
    ) throws {
        listener = try TCP(loop: loop)
        do {
            try listener.bind(host: host, port: port, reusePort: reusePort)
            try listener.listen(backlog: 4096) { [unowned self] error in
                guard error == nil, let socket = try? self.listener.accept() else { return }
                let connection = open(socket, self)
                self.accepted += 1
                // Registered before it starts, so a connection that fails at once can still
                // remove itself.
                self.connections[ObjectIdentifier(connection)] = connection
                connection.start()
            }
        } catch {
            listener.close()
            throw error
        }
    }

    /// The bound port.
    var port: Int? { listener.localPort }

    /// Connections currently open.
    var openConnections: Int { connections.count }

    /// Forgets a connection that closed.
    func remove(_ connection: AnyObject) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// Stops accepting and closes every connection.
    func close() {
        listener.close()
        // Each close calls `remove`; iterating a copy keeps that safe.
        for connection in connections.values { connection.close() }
        connections = [:]
    }
}
