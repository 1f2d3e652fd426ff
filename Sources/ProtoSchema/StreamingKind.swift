/// How a gRPC method streams, read from the `.proto`'s `stream` keywords.
public enum StreamingKind: String, Sendable, Codable {
    /// One request, one response.
    case unary
    /// One request, a stream of responses.
    case serverStreaming
    /// A stream of requests, one response.
    case clientStreaming
    /// Streams both ways.
    case bidi

    /// The kind a method with these `stream` keywords has.
    public init(clientStreams: Bool, serverStreams: Bool) {
        switch (clientStreams, serverStreams) {
        case (false, false): self = .unary
        case (false, true): self = .serverStreaming
        case (true, false): self = .clientStreaming
        case (true, true): self = .bidi
        }
    }
}
