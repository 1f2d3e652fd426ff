/// Learns how each call on a `GRPCClientConnection` ended.
protocol GRPCClientConnectionDelegate: AnyObject {
    /// One unary call, or one ping-pong on a stream, ended with `outcome` after `latencyNs`.
    ///
    /// Called from inside nghttp2 callbacks: it must only record the outcome and must not
    /// call back into `connection` (start calls after `receive`/`produceOutput` returned).
    func grpcConnection(_ connection: GRPCClientConnection, finishedCallWith outcome: GRPCCallOutcome, latencyNs: UInt64)
}
