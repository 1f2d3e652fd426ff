import UV

/// `TestGRPCServer` behind a UV TCP listener on 127.0.0.1 (kernel-chosen port): one in-memory
/// server session per accepted connection, bytes shuttled by hand.
final class TCPGRPCTestServer {
    private let listener: TCP
    private var sessions: [ObjectIdentifier: (TCP, TestGRPCServer)] = [:]
    var behavior: (Int32) -> TestServerBehavior
    /// Connections accepted so far.
    private(set) var accepted = 0
    /// Streams opened over all connections, and resets received.
    private(set) var streamsOpened = 0
    private(set) var resetsReceived = 0
    /// SETTINGS ACKs received over all connections.
    var settingsAcksReceived: Int { sessions.values.reduce(0) { $0 + $1.1.settingsAcksReceived } }
    let port: Int

    init(loop: Loop, behavior: @escaping (Int32) -> TestServerBehavior = { _ in .echo }) throws {
        self.behavior = behavior
        listener = try TCP(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        port = listener.localPort ?? 0
        try listener.listen(backlog: 1024) { [unowned self] error in
            guard error == nil, let tcp = try? self.listener.accept() else { return }
            self.serve(tcp)
        }
    }

    private func serve(_ tcp: TCP) {
        accepted += 1
        try? tcp.setNoDelay(true)
        let server = TestGRPCServer { [unowned self] id in self.behavior(id) }
        let key = ObjectIdentifier(tcp)
        sessions[key] = (tcp, server)
        flush(tcp, server)
        try? tcp.startReading(
            onData: { [unowned self] bytes in
                let streams = server.streamOrder.count
                let resets = server.resetsReceived.count
                guard server.receive(bytes) else {
                    self.drop(key)
                    return
                }
                self.streamsOpened += server.streamOrder.count - streams
                self.resetsReceived += server.resetsReceived.count - resets
                self.flush(tcp, server)
            },
            onEnd: { [unowned self] _ in self.drop(key) })
    }

    private func flush(_ tcp: TCP, _ server: TestGRPCServer) {
        let output = server.takeOutput()
        if !output.isEmpty { tcp.write(output) }
    }

    private func drop(_ key: ObjectIdentifier) {
        guard let (tcp, _) = sessions.removeValue(forKey: key) else { return }
        tcp.close()
    }

    /// Closes every accepted connection abruptly (no GOAWAY), keeping the listener.
    func dropConnections() {
        for key in Array(sessions.keys) { drop(key) }
    }

    /// Starts a graceful shutdown (GOAWAY with the largest stream ID) on every connection.
    func shutdownNoticeEverywhere() {
        for (tcp, server) in sessions.values {
            server.shutdownNotice()
            flush(tcp, server)
        }
    }

    /// Stops listening and closes every connection.
    func close() {
        listener.close()
        dropConnections()
    }
}
