/// One `key: value` of a workload's `metadata`: a header sent on every gRPC call.
public struct MetadataEntry: Sendable, Equatable, Codable {
    /// The header name, lower case (`authorization`, `x-trace-bin`).
    public var name: String
    /// The value as sent: text for ordinary keys, base64 for keys ending in `-bin` (gRPC sends
    /// binary values base64-encoded, so the topology's text goes out unchanged).
    public var value: String

    /// Creates an entry.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether the key names a binary header (`-bin`), whose value is base64.
    public var isBinary: Bool { name.hasSuffix("-bin") }

    /// Headers a user may not set: HTTP/2 and gRPC own them, and a second copy would make the
    /// call malformed.
    static let reserved: Set<String> = ["content-type", "te", "user-agent", "host", "connection"]

    /// What is wrong with a header name, worded to follow it, or nil: gRPC allows
    /// `[0-9a-z_.-]`, and reserves `grpc-` and the headers the call itself sends.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
        if name.isEmpty || !allowed {
            return "must be a lower-case header name: letters a-z, digits, '-', '_' and '.'"
        }
        if name.hasPrefix("grpc-") { return "is reserved: gRPC sets the grpc- headers itself" }
        if reserved.contains(name) { return "is reserved: every call sets it itself" }
        return nil
    }

    /// What is wrong with the value, worded to follow the key, or nil: printable ASCII, or
    /// base64 for a `-bin` key.
    public var valueProblem: String? {
        if isBinary {
            return Self.isBase64(value) ? nil : "ends in -bin, so its value must be base64, found \(Quote.fragment(value))"
        }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            return "must be printable ASCII (gRPC sends it as an HTTP/2 header); binary values go in a key "
                + "ending in -bin, base64-encoded"
        }
        return nil
    }

    /// Standard or URL-safe base64, padding optional (what gRPC implementations accept).
    static func isBase64(_ text: String) -> Bool {
        var body = Substring(text)
        while body.hasSuffix("=") { body = body.dropLast() }
        guard text.count - body.count <= 2, body.count % 4 != 1 else { return false }
        return body.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                || $0 == "+" || $0 == "/" || $0 == "-" || $0 == "_"
        }
    }
}
