import ProtoSchema

/// `workload.service`: which method of which `.proto`, and the requests to send it.
extension TopologyValidator {
    static let serviceKeys = ["proto", "import_paths", "method", "requests", "request_file", "messages_per_stream"]
    /// Requests listed inline; more belong in a `request_file`.
    static let maximumInlineRequests = 10_000
    static let maximumMessagesPerStream = 1_000_000

    /// The `service` mapping; nil when something in it is wrong (reported).
    mutating func service(_ node: YAMLNode) -> ServiceSpec? {
        guard let fields = fields(of: node, label: "service", place: "in service", allowed: Self.serviceKeys) else {
            return nil
        }
        let proto = required(fields, "proto").flatMap { path($0, label: "service proto") }
        let method = required(fields, "method").flatMap { methodName($0) }
        var importPaths: [String]? = []
        if let node = fields.value("import_paths") {
            if let items = items(node, label: "import_paths", what: "folder", maximum: 64) {
                var paths: [String] = []
                for item in items {
                    if let path = path(item, label: "import_paths entry") { paths.append(path.text) }
                }
                importPaths = paths.count == items.count ? paths : nil
            } else {
                importPaths = nil
            }
        }
        var requests: ServiceSpec.Requests? = .inline([.object([], fields.mark.location)])
        var requestsLocation = fields.mark.location
        switch (fields.fields["requests"], fields.fields["request_file"]) {
        case (.some, .some(let file)):
            sink.report("use either 'requests' or 'request_file', not both", at: file.keyMark)
            requests = nil
        case (.some(let list), nil):
            requestsLocation = list.value.mark.location
            requests = inlineRequests(list.value)
        case (nil, .some(let file)):
            requestsLocation = file.value.mark.location
            requests = path(file.value, label: "request_file").map { .file($0.text) }
        case (nil, nil):
            break
        }
        var perStream: Int?
        var perStreamValid = true
        if let node = fields.value("messages_per_stream") {
            perStream = integer(node, label: "messages_per_stream", in: 1...Self.maximumMessagesPerStream)
            perStreamValid = perStream != nil
        }
        guard let proto, let method, let importPaths, let requests, perStreamValid else { return nil }
        return ServiceSpec(
            proto: proto.text, protoLocation: proto.location, importPaths: importPaths, method: method.text,
            methodLocation: method.location, requests: requests, requestsLocation: requestsLocation,
            messagesPerStream: perStream, messagesPerStreamLocation: fields.value("messages_per_stream")?.mark.location)
    }

    /// A file or folder path: a non-empty scalar without NUL.
    mutating func path(_ node: YAMLNode, label: String) -> (text: String, location: SourceLocation)? {
        guard let scalar = scalar(node, label: label) else { return nil }
        guard !scalar.text.isEmpty, !scalar.text.unicodeScalars.contains("\0") else {
            sink.report("\(label) must be a file path, found \(Quote.quoted(scalar.text))", at: scalar.mark)
            return nil
        }
        return (scalar.text, scalar.mark.location)
    }

    /// `package.Service/Method` (a leading `/` accepted, as in a `:path`).
    private mutating func methodName(_ node: YAMLNode) -> (text: String, location: SourceLocation)? {
        guard let scalar = scalar(node, label: "method") else { return nil }
        var text = Substring(scalar.text)
        if text.hasPrefix("/") { text = text.dropFirst() }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !text.unicodeScalars.contains(where: { $0 == " " || $0.value < 0x20 })
        else {
            sink.report(
                "method must be package.Service/Method (e.g. grpc.health.v1.Health/Check), found "
                    + Quote.quoted(scalar.text), at: scalar.mark)
            return nil
        }
        return (String(text), scalar.mark.location)
    }

    /// The `requests` list: each item one request message in protobuf's JSON mapping.
    private mutating func inlineRequests(_ node: YAMLNode) -> ServiceSpec.Requests? {
        guard let items = items(node, label: "requests", what: "request", maximum: Self.maximumInlineRequests)
        else { return nil }
        var values: [ProtoJSONValue] = []
        for item in items {
            guard case .mapping = item else {
                reportWrongKind(item, label: "a request", expected: "a mapping (one message in protobuf's JSON mapping)")
                return nil
            }
            guard let value = item.protoJSON else { return nil }
            values.append(value)
        }
        return .inline(values)
    }
}
