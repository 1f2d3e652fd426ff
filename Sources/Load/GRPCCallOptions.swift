/// What a gRPC load generator's calls carry besides the method: the request messages, headers,
/// deadline and compression. Built once per generator into its `GRPCRequestTemplate`.
public struct GRPCCallOptions: Sendable {
    /// Request message bodies (protobuf, without the 5-byte prefix), dealt round-robin over
    /// calls; nil: one `bench.Payload` whose body is the generator's `payloadBytes` long.
    public var requests: [[UInt8]]?
    /// Client- and bidi-streaming calls: messages per stream before the client half-closes;
    /// 0 keeps a bidi stream open for ever (`bench.Echo/Stream` ping-pong).
    public var messagesPerStream: Int
    /// Headers on every call, `-bin` values already base64 as they go on the wire.
    public var metadata: [(name: String, value: String)]
    /// Sent as `grpc-timeout`; the client also gives up on a message outstanding this long
    /// and counts it `DEADLINE_EXCEEDED`. Nil: none.
    public var deadlineMs: UInt64?
    /// Requests gzip-compressed (once, up front) and sent with `grpc-encoding: gzip`.
    public var gzip: Bool

    /// Options; the defaults are `bench.Echo` without metadata, deadline or compression.
    public init(
        requests: [[UInt8]]? = nil, messagesPerStream: Int = 0, metadata: [(name: String, value: String)] = [],
        deadlineMs: UInt64? = nil, gzip: Bool = false
    ) {
        self.requests = requests
        self.messagesPerStream = messagesPerStream
        self.metadata = metadata
        self.deadlineMs = deadlineMs
        self.gzip = gzip
    }

    /// `grpc-timeout`'s value for `milliseconds`: at most eight digits, in the finest unit that fits.
    static func timeoutHeader(milliseconds: UInt64) -> String {
        if milliseconds <= 99_999_999 { return "\(milliseconds)m" }
        return "\(min((milliseconds + 999) / 1000, 99_999_999))S"
    }
}
