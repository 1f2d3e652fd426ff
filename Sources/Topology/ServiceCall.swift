import ProtoSchema

/// What every call of a user's method sends, decided before the run: the method's path and
/// streaming kind, the request messages encoded once (protobuf, no gRPC prefix), dealt
/// round-robin over calls, and the messages per stream. Carried to the client workers whole.
public struct ServiceCall: Codable, Sendable, Equatable {
    /// `/package.Service/Method`.
    public var path: String
    /// Read from the `.proto`.
    public var kind: StreamingKind
    /// The encoded request messages, in order; at least one.
    public var requests: [[UInt8]]
    /// Client- and bidi-streaming: messages per stream (bidi: 0 keeps streams open for ever).
    public var messagesPerStream: Int

    /// A compiled call.
    public init(path: String, kind: StreamingKind, requests: [[UInt8]], messagesPerStream: Int) {
        self.path = path
        self.kind = kind
        self.requests = requests
        self.messagesPerStream = messagesPerStream
    }

    enum CodingKeys: String, CodingKey {
        case path, kind, requests
        case messagesPerStream = "messages_per_stream"
    }
}
