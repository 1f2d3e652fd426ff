import HTTP2

/// Which RPC the gRPC load generator drives.
public enum GRPCCall: Sendable, Equatable {
    /// One request, one response per call (`/bench.Echo/Unary`).
    case unary
    /// Long-lived bidirectional streams doing ping-pong: one message out, one back, repeat
    /// (`/bench.Echo/Stream`).
    case stream

    /// The `:path` of the method.
    var path: String {
        switch self {
        case .unary: return EchoService.unaryPath.description
        case .stream: return EchoService.streamPath.description
        }
    }
}
