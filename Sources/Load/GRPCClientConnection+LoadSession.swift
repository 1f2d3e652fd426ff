/// A gRPC connection is one kind of load session: unary calls or ping-pong streams over one
/// HTTP/2 connection, `concurrency` streams at once.
extension GRPCClientConnection: LoadSession {
    var isEstablished: Bool { isOpened }

    var finishedReason: String? {
        // Finished on its own: the server said GOAWAY, or what it sent broke HTTP/2's framing
        // (e.g. something other than HTTP/2 answered the handshake).
        isFinished ? (goawayReceived ? "GOAWAY" : "protocol") : nil
    }

    var oldestInFlightStartNs: UInt64? {
        guard requestsInFlight > 0 else { return nil }
        var oldest: UInt64?
        for slot in 0..<slotCount where slots[slot].phase == .awaiting {
            oldest = min(oldest ?? .max, slots[slot].startNs)
        }
        return oldest
    }

    /// GOAWAY, and no new stream: the calls in flight finish on it.
    func retire() {
        windDown(.local)
    }
}
