import ProtoSchema

extension YAMLNode {
    /// The node as a JSON value for protobuf's JSON mapping, every part at its place in the
    /// topology file. Plain scalars read as YAML 1.2's core schema does: `true`/`false`, null,
    /// and JSON numbers; anything else, and every quoted scalar, is a string. Nil for an
    /// alias (already reported).
    var protoJSON: ProtoJSONValue? {
        switch self {
        case .scalar(let scalar):
            let location = scalar.mark.location
            guard scalar.isPlain else { return .string(scalar.text, location) }
            if scalar.isNull { return .null(location) }
            if scalar.text == "true" { return .bool(true, location) }
            if scalar.text == "false" { return .bool(false, location) }
            if Self.isJSONNumber(scalar.text) { return .number(scalar.text, location) }
            return .string(scalar.text, location)
        case .sequence(let sequence):
            var items: [ProtoJSONValue] = []
            for item in sequence.items {
                guard let value = item.protoJSON else { return nil }
                items.append(value)
            }
            return .array(items, sequence.mark.location)
        case .mapping(let mapping):
            var members: [(key: String, keyLocation: SourceLocation, value: ProtoJSONValue)] = []
            for entry in mapping.entries {
                // A key that is not a scalar cannot name a field; its text tells the encoder so.
                guard let value = entry.value.protoJSON else { return nil }
                let key: String
                switch entry.key {
                case .scalar(let scalar): key = scalar.text
                case .invalid: return nil
                default: key = entry.key.kindDescription
                }
                members.append((key, entry.key.mark.location, value))
            }
            return .object(members, mapping.mark.location)
        case .invalid:
            return nil
        }
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}

extension SourceMark {
    /// The same place as ProtoSchema names places.
    var location: SourceLocation { SourceLocation(line: line, column: column) }
}
