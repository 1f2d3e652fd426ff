/// Text that is not JSON: what was expected and where.
public struct ProtoJSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong (`expected ',' or '}' after an object member`).
    public let message: String
    /// Where the parser stopped.
    public let location: SourceLocation

    /// An error at `location`.
    public init(message: String, location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// The message alone; the caller prefixes its file and the location.
    public var description: String { message }
}
