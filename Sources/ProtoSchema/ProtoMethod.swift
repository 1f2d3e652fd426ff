/// One method of a service in a compiled `.proto`: what a call sends and on which path.
public struct ProtoMethod: Sendable, Equatable {
    /// The HTTP/2 `:path` of a call, `/package.Service/Method`.
    public let path: String
    /// The full name of the request message, `package.Message` (no leading dot).
    public let inputType: String
    /// The full name of the response message.
    public let outputType: String
    /// Whether requests, responses or both stream.
    public let kind: StreamingKind

    /// A method as its descriptor names it.
    public init(path: String, inputType: String, outputType: String, kind: StreamingKind) {
        self.path = path
        self.inputType = inputType
        self.outputType = outputType
        self.kind = kind
    }
}
