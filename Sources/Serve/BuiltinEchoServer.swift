import UV

/// The builtin tcp-echo system under test: every byte read is written back.
///
/// Runs in its own process (`barrage serve`), so its CPU and memory are measured like any
/// other system's.
public final class BuiltinEchoServer {
    private let loop: Loop
    private let listener: TCP
    private var connections: [ObjectIdentifier: EchoConnection] = [:]

    /// Listens on `host:port`.
    public init(loop: Loop, host: String, port: Int) throws {
        self.loop = loop
        listener = try TCP(loop: loop)
        try listener.bind(host: host, port: port)
        try listener.listen(backlog: 4096) { [unowned self] error in
            guard error == nil, let client = try? self.listener.accept() else { return }
            let connection = EchoConnection(tcp: client) { [unowned self] closed in
                self.connections[ObjectIdentifier(closed)] = nil
            }
            self.connections[ObjectIdentifier(connection)] = connection
            connection.start()
        }
    }

    /// The port it listens on.
    public var port: Int? { listener.localPort }

    /// Stops accepting and closes every connection.
    public func close() {
        listener.close()
        for connection in connections.values { connection.close() }
        connections = [:]
    }
}

/// One accepted echo connection.
final class EchoConnection {
    private let tcp: TCP
    private let onClose: (EchoConnection) -> Void
    private var closed = false

    init(tcp: TCP, onClose: @escaping (EchoConnection) -> Void) {
        self.tcp = tcp
        self.onClose = onClose
    }

    func start() {
        try? tcp.setNoDelay(true)
        do {
            try tcp.startReading(onData: { [unowned self] bytes in self.echo(bytes) },
                                 onEnd: { [unowned self] _ in self.close() })
        } catch {
            close()
        }
    }

    private func echo(_ bytes: UnsafeRawBufferPointer) {
        // Most replies go out whole from the read buffer without a copy; only a remainder
        // the kernel would not take right now is copied and queued.
        var written = 0
        if tcp.writeQueueSize == 0 {
            do {
                written = try tcp.tryWrite(bytes)
            } catch {
                written = 0
            }
        }
        if written < bytes.count {
            tcp.write(Array(bytes[written...]), completion: nil)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        tcp.close()
        onClose(self)
    }
}
