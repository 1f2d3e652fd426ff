import UV

/// A tcp-echo server on the test's loop (127.0.0.1, kernel-chosen port) that counts what it
/// echoed, so a test can compare the client's window with what the server saw when.
final class EchoTestServer {
    private let listener: TCP
    private var open: [ObjectIdentifier: TCP] = [:]
    /// Bytes echoed so far.
    private(set) var echoedBytes = 0
    /// Connections accepted so far.
    private(set) var accepted = 0
    let port: Int

    /// Listens; with `speaks` false it accepts connections and never writes a byte (a server
    /// that is not what the client expects).
    init(loop: Loop, speaks: Bool = true) throws {
        listener = try TCP(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        port = listener.localPort ?? 0
        try listener.listen { [unowned self] error in
            guard error == nil, let tcp = try? self.listener.accept() else { return }
            self.accepted += 1
            let key = ObjectIdentifier(tcp)
            self.open[key] = tcp
            try? tcp.startReading(
                onData: { [unowned self] bytes in
                    guard speaks else { return }
                    self.echoedBytes += bytes.count
                    _ = try? tcp.tryWrite(bytes)
                },
                onEnd: { [unowned self] _ in
                    self.open[key]?.close()
                    self.open[key] = nil
                })
        }
    }

    /// Connections the client has not closed yet.
    var openConnections: Int { open.count }

    func close() {
        listener.close()
        for tcp in open.values { tcp.close() }
        open = [:]
    }
}
