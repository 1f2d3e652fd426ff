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
    /// message before the request was sent, a malformed stream the HTTP/2 layer reset, or a
    /// compressed message that does not inflate.
    case protocolViolation

    /// The error kind counted in `WindowCounters`, nil for success: the contract's names
    /// (`timeout`, `connection`, `reset`) and gRPC's canonical codes, as a gRPC client reports
    /// them — an HTTP status by gRPC's HTTP-to-gRPC mapping (404 `UNIMPLEMENTED`, 503
    /// `UNAVAILABLE`, …), a broken answer `INTERNAL`. Taken from tables built once, so counting
    /// an error does not build a string.
    var errorKind: String? {
        switch self {
        case .success: return nil
        case .grpcStatus(let code):
            return grpcStatusKinds.indices.contains(code) ? grpcStatusKinds[code] : "grpc-status-\(code)"
        case .httpStatus(let code): return grpcStatusKinds[GRPCStatusCode.code(forHTTPStatus: code)]
        case .resetStream: return "reset"
        case .connection: return "connection"
        case .timeout: return "timeout"
        case .protocolViolation: return grpcStatusKinds[GRPCStatusCode.internalError]
        }
    }

    /// What a failure the server gave no words for means, kept as the first message of its
    /// kind; nil for the others (a `grpc-status` failure's words are the server's own).
    var explanation: String? {
        switch self {
        case .httpStatus(let code):
            return code == 0
                ? "the answer had no HTTP :status" : "HTTP status \(code) instead of 200: the answer is not gRPC's"
        case .protocolViolation:
            return "the answer broke the gRPC protocol: no grpc-status, the wrong number of messages, or a message "
                + "that does not inflate"
        case .success, .grpcStatus, .resetStream, .connection, .timeout:
            return nil
        }
    }
}

/// The canonical names of the codes gRPC defines (0...16); others are "grpc-status-N".
private let grpcStatusKinds: [String] = GRPCStatusCode.names
