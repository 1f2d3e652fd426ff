/// How one request ended, whatever the protocol: a unary call, one ping-pong round trip on a
/// stream, or one tcp-echo round trip.
enum CallOutcome: Equatable {
    /// `grpc-status: 0` and the expected response message.
    case success
    /// The server answered with this non-zero `grpc-status`.
    case grpcStatus(Int)
    /// The HTTP status was not 200 (or missing: 0).
    case httpStatus(Int)
    /// The server reset the stream (RST_STREAM).
    case resetStream
    /// The connection failed or went away (GOAWAY) before the call ended.
    case connection
    /// No answer within the request timeout.
    case timeout
    /// The answer broke the gRPC protocol: no `grpc-status`, not exactly one message, a
    /// message before the request was sent, or a malformed stream the HTTP/2 layer reset.
    case protocolViolation

    /// The error kind counted in `WindowCounters`, nil for success. Taken from tables built
    /// once, so counting an error does not build a string.
    var errorKind: String? {
        switch self {
        case .success: return nil
        case .grpcStatus(let code):
            return grpcStatusKinds.indices.contains(code) ? grpcStatusKinds[code] : "grpc-status-\(code)"
        case .httpStatus(let code):
            return httpStatusKinds.indices.contains(code) ? httpStatusKinds[code] : "http-status-\(code)"
        case .resetStream: return "reset-stream"
        case .connection: return "connection"
        case .timeout: return "timeout"
        case .protocolViolation: return "protocol"
        }
    }
}

/// The canonical names of the codes gRPC defines (0...16); others are "grpc-status-N".
private let grpcStatusKinds: [String] = GRPCStatusCode.names
/// "http-status-N" for every three-digit status.
private let httpStatusKinds: [String] = (0...599).map { "http-status-\($0)" }
