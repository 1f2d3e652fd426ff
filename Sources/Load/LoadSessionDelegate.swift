/// Learns how each request on a `LoadSession` ended (the load generator, or a test's recorder).
protocol LoadSessionDelegate: AnyObject {
    /// One request (a unary call, one ping-pong on a stream, one echo) ended with `outcome`
    /// after `latencyNs`.
    ///
    /// Called from inside the session (for gRPC while it reads the answer's frames): it must only record
    /// the outcome and must not call back into the session.
    func sessionFinishedCall(_ outcome: CallOutcome, latencyNs: UInt64)
    /// The server's `grpc-message` for the `outcome` reported next: why calls fail, in its words.
    func sessionStatusMessage(_ message: String, for outcome: CallOutcome)
    /// A streaming call (server-, client- or bidi-streaming with an end) ended well, after
    /// its messages were reported one by one through `sessionFinishedCall`: one stream.
    func sessionFinishedStream()
}

extension LoadSessionDelegate {
    /// The server's `grpc-message` for the `outcome` about to be reported (only failures carry
    /// one). By default ignored.
    func sessionStatusMessage(_ message: String, for outcome: CallOutcome) {}

    /// A streaming call ended well. By default ignored.
    func sessionFinishedStream() {}
}
