import HTTP2

/// Which kind of RPC the gRPC load generator drives, and so what one counted request is.
public enum GRPCCall: Sendable, Equatable {
    /// One request, one response per call (`/bench.Echo/Unary` unless a path is given).
    case unary
    /// Bidirectional streams doing ping-pong: one message out, one back, repeat; each round
    /// trip is one request. Long-lived (`/bench.Echo/Stream`), or half-closed after the
    /// template's `messagesPerStream` round trips.
    case stream
    /// One request message, then every response message counts as one request, its latency
    /// from the call's start (the first) or the message before it.
    case serverStreaming
    /// `messagesPerStream` request messages, half-close, one response: the call counts as that
    /// many requests, each with the call's latency (first message to answer).
    case clientStreaming

    /// The `:path` of the method when none is given: `bench.Echo`'s.
    var path: String {
        switch self {
        case .unary, .serverStreaming, .clientStreaming: return EchoService.unaryPath.description
        case .stream: return EchoService.streamPath.description
        }
    }

    /// Whether a call opens a stream for itself every time (all but long-lived ping-pong).
    var opensStreamPerCall: Bool { self != .stream }
}
