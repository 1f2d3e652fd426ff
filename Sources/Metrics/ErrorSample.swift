/// The most common failure of a client (or a cell): its kind, how often, and the server's
/// words for it (`grpc-message`) when the server gave some. What the progress line and the
/// comparison show, so a user sees why calls fail.
public struct ErrorSample: Codable, Sendable, Equatable {
    /// The error kind: a gRPC code name (`UNAUTHENTICATED`) or `timeout`, `connection`, ….
    public var kind: String
    /// How many failures of that kind.
    public var count: UInt64
    /// The server's message for one of them; nil when none came.
    public var message: String?

    /// A sample.
    public init(kind: String, count: UInt64, message: String?) {
        self.kind = kind
        self.count = count
        self.message = message
    }

    /// The most common kind of `errors` (ties: the first name), with its message from `messages`.
    public static func mostCommon(_ errors: [String: UInt64], messages: [String: String]) -> ErrorSample? {
        guard let top = errors.filter({ $0.value > 0 }).max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else {
            return nil
        }
        return ErrorSample(kind: top.key, count: top.value, message: messages[top.key])
    }

    /// The most common kind over several reporters' most common failures, their counts added by kind.
    public static func combined(_ samples: [ErrorSample]) -> ErrorSample? {
        var counts: [String: UInt64] = [:]
        var messages: [String: String] = [:]
        for sample in samples {
            counts[sample.kind, default: 0] += sample.count
            if let message = sample.message, messages[sample.kind] == nil { messages[sample.kind] = message }
        }
        return mostCommon(counts, messages: messages)
    }

    /// `UNAUTHENTICATED: missing authorization`, or the kind alone.
    public var text: String {
        guard let message, !message.isEmpty else { return kind }
        return "\(kind): \(message)"
    }
}
