import ProtoSchema

/// `workload.service`: any method of any service, from its `.proto` and JSON requests. The
/// topology only reads it; compiling the `.proto` and encoding the requests is I/O the
/// caller does before anything starts (`ServiceCompilation` gives it back as `call`).
public struct ServiceSpec: Sendable {
    /// Where the requests come from.
    public enum Requests: Sendable {
        /// `requests:` in the topology, each with its position there.
        case inline([ProtoJSONValue])
        /// `request_file:`, one JSON message a line, as written (relative to the topology's folder).
        case file(String)
    }

    /// The `.proto`, as written (relative to the topology's folder), and where.
    public var proto: String
    public var protoLocation: SourceLocation
    /// `import_paths`, as written.
    public var importPaths: [String]
    /// `package.Service/Method`, and where.
    public var method: String
    public var methodLocation: SourceLocation
    /// The request messages in protobuf's JSON mapping.
    public var requests: Requests
    /// Where `requests` or `request_file` is written (the service mapping when neither is).
    public var requestsLocation: SourceLocation
    /// Client- and bidi-streaming methods: messages per stream; nil when not given.
    public var messagesPerStream: Int?
    public var messagesPerStreamLocation: SourceLocation?
    /// What calls send, once the `.proto` compiled and the requests were encoded; nil before.
    public var call: ServiceCall?

    /// A service as the topology names it.
    public init(
        proto: String, protoLocation: SourceLocation, importPaths: [String], method: String,
        methodLocation: SourceLocation, requests: Requests, requestsLocation: SourceLocation,
        messagesPerStream: Int? = nil, messagesPerStreamLocation: SourceLocation? = nil, call: ServiceCall? = nil
    ) {
        self.proto = proto
        self.protoLocation = protoLocation
        self.importPaths = importPaths
        self.method = method
        self.methodLocation = methodLocation
        self.requests = requests
        self.requestsLocation = requestsLocation
        self.messagesPerStream = messagesPerStream
        self.messagesPerStreamLocation = messagesPerStreamLocation
        self.call = call
    }
}

extension ServiceSpec: Equatable {
    /// Equal when they name the same thing and compiled alike; inline requests compare by
    /// what they encode to (`call`), or by their written positions before compiling.
    public static func == (lhs: ServiceSpec, rhs: ServiceSpec) -> Bool {
        guard lhs.proto == rhs.proto, lhs.importPaths == rhs.importPaths, lhs.method == rhs.method,
            lhs.messagesPerStream == rhs.messagesPerStream, lhs.call == rhs.call,
            lhs.requestsLocation == rhs.requestsLocation
        else { return false }
        switch (lhs.requests, rhs.requests) {
        case (.inline(let left), .inline(let right)): return left.map(\.location) == right.map(\.location)
        case (.file(let left), .file(let right)): return left == right
        default: return false
        }
    }
}
