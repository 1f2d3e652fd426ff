import HTTP2

/// One connection's protocol as the load generator drives it, the way h2load's `Session` does:
/// the generator owns the socket, the connect window, timeouts, reconnects, the open-loop
/// schedule and the counters; a session only turns requests into bytes and bytes into
/// outcomes. tcp-echo (`EchoSession`) and gRPC unary/stream (`GRPCClientConnection`) are the
/// two kinds.
///
/// Every call happens on the generator's loop thread. Outcomes go to the session's
/// `LoadSessionDelegate`, never as return values, so a request that ends inside `receive`
/// is counted the moment it ends.
protocol LoadSession: AnyObject {
    /// The handshake is done and requests may go: at once for tcp-echo, once the server's
    /// SETTINGS arrived for gRPC.
    var isEstablished: Bool { get }
    /// Streams free for a new request right now (tcp-echo: one, while nothing is out).
    var freeSlots: Int { get }
    /// Requests out whose outcome is not reported yet.
    var requestsInFlight: Int { get }
    /// Where the oldest request in flight counts its latency from; nil with none in flight.
    var oldestInFlightStartNs: UInt64? { get }
    /// Why the session ended on its own (the server said GOAWAY, the protocol broke), or
    /// nil while it lives: the generator then closes and reconnects the connection.
    var finishedReason: String? { get }

    /// Bytes from the server. False if they broke the protocol; every outstanding request
    /// has then been reported as failed.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// Starts one request in a free stream at `nowNs`; its latency counts from `startNs`
    /// (never later than `nowNs`). False if no stream is free or none may be opened.
    func submit(startNs: UInt64, nowNs: UInt64) -> Bool
    /// Appends what the session has to send, up to about `limit` bytes (the rest waits for
    /// the next call). False if the session failed.
    func produceOutput(into buffer: inout ByteBuffer, limit: Int) -> Bool
    /// Reports every request sent before `deadlineNs` as timed out. True if the connection
    /// must go with them: a byte stream cannot skip a late echo.
    func expire(sentBefore deadlineNs: UInt64, nowNs: UInt64) -> Bool
    /// The connection is gone: reports every outstanding request as a connection failure.
    func fail()
    /// Churn: takes no new requests from now on and says goodbye the protocol's way (gRPC:
    /// GOAWAY); the requests in flight still end and are reported. The generator closes the
    /// connection once none is left.
    func retire()
    /// Stopping: abandons everything outstanding without reporting it, queuing whatever
    /// goodbye the protocol has (RST_STREAM, GOAWAY) for one last `produceOutput`.
    func terminate()
}
