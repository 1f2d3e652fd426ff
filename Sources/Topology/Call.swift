/// The gRPC call shape; tcp-echo always behaves like `unary`.
public enum Call: String, Sendable, Equatable, Codable {
    /// One request, one response per call.
    case unary
    /// A long-lived bidirectional stream of messages.
    case stream
}
