/// The well-known types whose JSON is not an object of their fields: Timestamp (RFC 3339),
/// Duration (`"1.5s"`), the wrappers (the plain value), FieldMask (`"a.b,cD"`), Struct, Value,
/// ListValue (any JSON) and Any (`"@type"` and the packed message's fields).
extension JSONMappingEncoder {
    /// The body of a well-known message, or nil when `type` is an ordinary message.
    func wellKnown(_ value: ProtoJSONValue, type: String, path: String) throws(ProtoEncodeError) -> [UInt8]? {
        var writer = ProtoWriter()
        switch type {
        case WellKnownType.timestamp, WellKnownType.duration:
            guard case .string(let text, _) = value else {
                let example = type == WellKnownType.timestamp ? "\"2024-05-01T12:00:00Z\"" : "\"1.5s\""
                throw Self.wrongType(path, expected: "a string like \(example) (\(type))", found: value)
            }
            let seconds: Int64, nanos: Int32
            do {
                (seconds, nanos) = type == WellKnownType.timestamp ? try TimeText.timestamp(text) : try TimeText.duration(text)
            } catch {
                throw ProtoEncodeError(fieldPath: path, message: error.message, location: value.location)
            }
            try single(.int64, number: 1, .number(String(seconds), value.location), path: path, presence: false, into: &writer)
            try single(.int32, number: 2, .number(String(nanos), value.location), path: path, presence: false, into: &writer)
        case let wrapper where WellKnownType.wrappers[wrapper] != nil:
            try single(WellKnownType.wrappers[wrapper]!, number: 1, value, path: path, presence: false, into: &writer)
        case WellKnownType.fieldMask:
            guard case .string(let text, let location) = value else {
                throw Self.wrongType(path, expected: "a string of comma-separated paths (FieldMask)", found: value)
            }
            for camelPath in text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false) {
                guard !camelPath.contains("_") else {
                    throw ProtoEncodeError(
                        fieldPath: path, message: "FieldMask path \"\(camelPath)\" must be lowerCamelCase, without \"_\"",
                        location: location)
                }
                let snakePath = camelPath.map { $0.isUppercase ? "_" + $0.lowercased() : String($0) }.joined()
                writer.tag(1, .lengthDelimited)
                writer.lengthDelimited(Array(snakePath.utf8))
            }
        case WellKnownType.structType:
            guard case .object = value else { throw Self.wrongType(path, expected: "a JSON object (Struct)", found: value) }
            return try structBody(value, path: path)
        case WellKnownType.listValue:
            guard case .array = value else { throw Self.wrongType(path, expected: "a JSON array (ListValue)", found: value) }
            return try listBody(value, path: path)
        case WellKnownType.value:
            return try valueBody(value, path: path)
        case WellKnownType.any:
            return try anyBody(value, path: path)
        default:
            return nil
        }
        return writer.bytes
    }

    /// Struct: `map<string, Value> fields = 1`.
    private func structBody(_ value: ProtoJSONValue, path: String) throws(ProtoEncodeError) -> [UInt8] {
        guard case .object(let members, _) = value else { return [] }
        var entries: [(key: [UInt8], bytes: [UInt8])] = []
        var seen: Set<String> = []
        for member in members {
            let entryPath = "\(path)[\(Self.quoted(member.key))]"
            guard seen.insert(member.key).inserted else {
                throw ProtoEncodeError(fieldPath: entryPath, message: "key given twice", location: member.keyLocation)
            }
            var entry = ProtoWriter()
            entry.tag(1, .lengthDelimited)
            entry.lengthDelimited(Array(member.key.utf8))
            entry.tag(2, .lengthDelimited)
            entry.lengthDelimited(try valueBody(member.value, path: entryPath))
            entries.append((Array(member.key.utf8), entry.bytes))
        }
        var writer = ProtoWriter()
        for entry in entries.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            writer.tag(1, .lengthDelimited)
            writer.lengthDelimited(entry.bytes)
        }
        return writer.bytes
    }

    /// ListValue: `repeated Value values = 1`.
    private func listBody(_ value: ProtoJSONValue, path: String) throws(ProtoEncodeError) -> [UInt8] {
        guard case .array(let elements, _) = value else { return [] }
        var writer = ProtoWriter()
        for (position, element) in elements.enumerated() {
            writer.tag(1, .lengthDelimited)
            writer.lengthDelimited(try valueBody(element, path: "\(path)[\(position)]"))
        }
        return writer.bytes
    }

    /// Value: a oneof of null_value = 1, number_value = 2, string_value = 3, bool_value = 4,
    /// struct_value = 5, list_value = 6; a oneof member is written even when it is the default.
    private func valueBody(_ value: ProtoJSONValue, path: String) throws(ProtoEncodeError) -> [UInt8] {
        var writer = ProtoWriter()
        switch value {
        case .null:
            writer.tag(1, .varint)
            writer.varint(0)
        case .number:
            writer.tag(2, .fixed64)
            writer.fixed64(try Self.floatingPoint(value, path: path, typeName: "Value").bitPattern)
        case .string(let text, _):
            writer.tag(3, .lengthDelimited)
            writer.lengthDelimited(Array(text.utf8))
        case .bool(let flag, _):
            writer.tag(4, .varint)
            writer.varint(flag ? 1 : 0)
        case .object:
            writer.tag(5, .lengthDelimited)
            writer.lengthDelimited(try structBody(value, path: path))
        case .array:
            writer.tag(6, .lengthDelimited)
            writer.lengthDelimited(try listBody(value, path: path))
        }
        return writer.bytes
    }

    /// Any: `{"@type": "type.googleapis.com/pkg.Message", …the message's fields}`, or with
    /// `"value"` holding the JSON of a well-known type; type_url = 1, value = 2 (the message's bytes).
    private func anyBody(_ value: ProtoJSONValue, path: String) throws(ProtoEncodeError) -> [UInt8] {
        guard case .object(let members, let location) = value else {
            throw Self.wrongType(path, expected: "a JSON object with \"@type\" (Any)", found: value)
        }
        guard !members.isEmpty else { return [] }
        guard let typeMember = members.first(where: { $0.key == "@type" }) else {
            throw ProtoEncodeError(
                fieldPath: path, message: "an Any needs \"@type\": \"type.googleapis.com/package.Message\"", location: location)
        }
        guard case .string(let typeURL, _) = typeMember.value else {
            throw Self.wrongType(Self.child(path, "@type"), expected: "a type URL string", found: typeMember.value)
        }
        let typeName = typeURL.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? typeURL
        guard index.messages[typeName] != nil else {
            throw ProtoEncodeError(
                fieldPath: Self.child(path, "@type"), message: "no message type \(typeName) in the .proto (from \"\(typeURL)\")",
                location: typeMember.value.location)
        }
        let rest = members.filter { $0.key != "@type" }
        let body: [UInt8]
        if Self.hasSpecialJSON(typeName) {
            guard let inner = rest.first(where: { $0.key == "value" }), rest.count == 1 else {
                throw ProtoEncodeError(
                    fieldPath: path, message: "an Any holding \(typeName) takes \"@type\" and \"value\" only", location: location)
            }
            body = try message(inner.value, type: typeName, path: Self.child(path, "value"))
        } else {
            body = try message(.object(rest, location), type: typeName, path: path)
        }
        var writer = ProtoWriter()
        writer.tag(1, .lengthDelimited)
        writer.lengthDelimited(Array(typeURL.utf8))
        if !body.isEmpty {
            writer.tag(2, .lengthDelimited)
            writer.lengthDelimited(body)
        }
        return writer.bytes
    }

    /// The types an Any carries under `"value"` rather than as fields beside `"@type"`.
    private static func hasSpecialJSON(_ typeName: String) -> Bool {
        [
            WellKnownType.timestamp, WellKnownType.duration, WellKnownType.fieldMask, WellKnownType.structType,
            WellKnownType.value,
            WellKnownType.listValue, WellKnownType.any
        ].contains(typeName) || WellKnownType.wrappers[typeName] != nil
    }
}
