/// A gRPC connection is one kind of load session: unary calls or ping-pong streams over one
/// HTTP/2 connection, `concurrency` streams at once.
extension GRPCClientConnection: LoadSession {
    var isEstablished: Bool { isOpened }

    var finishedReason: String? {
        // Finished on its own: the server said GOAWAY, or nghttp2 gave up on what it received
        // (e.g. something other than HTTP/2 answered the handshake).
        isFinished ? (goawayReceived ? "GOAWAY" : "protocol") : nil
    }

    /// GOAWAY, and no new stream: the calls in flight finish on it.
    func retire() {
        windDown(.local)
    }
}
