import UV

/// A tcp-echo server that answers in rounds: it holds every request until each of its
/// `connections` has sent one, then echoes them all at once, so the client's next poll finds
/// every connection ready together (on loopback the echoes arrive while the server writes
/// them). `onRound` runs after each round's echoes went out, with the round's number (1 first).
/// On the client's loop: what it does in `onRound` then waits behind a whole round of ready
/// connections, as a message from another thread does behind a busy loop's.
final class RoundEchoServer {
    private let listener: TCP
    private var clients: [TCP] = []
    /// What each connection sent since the last round.
    private var held: [[UInt8]] = []
    private let connections: Int
    private let requestBytes: Int
    private var round = 0
    private let onRound: (Int) -> Void
    let port: Int

    /// Listens on 127.0.0.1 (a kernel-chosen port) for `connections` clients whose requests are
    /// `requestBytes` long. The server lives as long as its handles: close it, or close its
    /// loop's handles.
    init(loop: Loop, connections: Int, requestBytes: Int, onRound: @escaping (Int) -> Void) throws {
        self.connections = connections
        self.requestBytes = requestBytes
        self.onRound = onRound
        listener = try TCP(loop: loop)
        try listener.bind(host: "127.0.0.1", port: 0)
        port = listener.localPort ?? 0
        // Strong captures: the open handles keep the server alive, and closing them frees it.
        try listener.listen { error in
            guard error == nil, let tcp = try? self.listener.accept() else { return }
            let index = self.clients.count
            self.clients.append(tcp)
            self.held.append([])
            try? tcp.startReading(
                onData: { bytes in self.received(bytes, from: index) },
                onEnd: { _ in tcp.close() })
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer, from index: Int) {
        held[index].append(contentsOf: bytes)
        guard clients.count == connections, held.allSatisfy({ $0.count >= requestBytes }) else { return }
        for (tcp, request) in zip(clients, held) {
            _ = request.withUnsafeBytes { try? tcp.tryWrite($0) }
        }
        held = Array(repeating: [], count: connections)
        round += 1
        onRound(round)
    }

    func close() {
        listener.close()
        for tcp in clients where !tcp.isClosing { tcp.close() }
    }
}
