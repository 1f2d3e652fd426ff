/// protobuf's JSON mapping, JSON → binary, over a descriptor set: messages, fields, lists and
/// maps here; scalars and the well-known types in the extensions beside this file.
///
/// Fields are written in field-number order and map entries sorted by key, as protobuf's own
/// deterministic serializer does, so the bytes compare equal to its output.
struct JSONMappingEncoder {
    let index: DescriptorIndex

    /// The body of a `type` message (no tag, no length).
    func message(_ value: ProtoJSONValue, type: String, path: String) throws(ProtoEncodeError) -> [UInt8] {
        if let bytes = try wellKnown(value, type: type, path: path) { return bytes }
        guard let layout = index.messages[type] else {
            throw ProtoEncodeError(fieldPath: path, message: "no message type \(type) in the .proto", location: value.location)
        }
        guard case .object(let members, let location) = value else {
            throw Self.wrongType(path, expected: "a JSON object (message \(type))", found: value)
        }
        var assigned: [Int: (key: String, value: ProtoJSONValue)] = [:]
        var oneofMembers: [Int: String] = [:]
        for member in members {
            let fieldPath = Self.child(path, member.key)
            guard let fieldIndex = layout.fieldIndexByName[member.key] else {
                throw Self.unknownField(member.key, path: fieldPath, in: layout, location: member.keyLocation)
            }
            if let earlier = assigned[fieldIndex] {
                let also = earlier.key == member.key ? "" : " (also as \"\(earlier.key)\")"
                throw ProtoEncodeError(fieldPath: fieldPath, message: "given twice\(also)", location: member.keyLocation)
            }
            assigned[fieldIndex] = (member.key, member.value)
            if let oneof = layout.fields[fieldIndex].oneofIndex, !Self.isNull(member.value) {
                if let other = oneofMembers[oneof] {
                    throw ProtoEncodeError(
                        fieldPath: fieldPath,
                        message: "oneof \(layout.oneofNames[oneof]) takes one field, and \"\(other)\" is set too",
                        location: member.keyLocation)
                }
                oneofMembers[oneof] = member.key
            }
        }
        var writer = ProtoWriter()
        for (fieldIndex, field) in layout.fields.enumerated() {
            guard let member = assigned[fieldIndex], !Self.isAbsent(member.value, field) else {
                if case .required = field.cardinality {
                    throw ProtoEncodeError(
                        fieldPath: Self.child(path, field.jsonName),
                        message: "required field \(field.name) of \(type) is missing",
                        location: assigned[fieldIndex]?.value.location ?? location)
                }
                continue
            }
            try self.field(field, member.value, path: Self.child(path, member.key), into: &writer)
        }
        return writer.bytes
    }

    /// JSON `null` for a field means "not set", except where null is itself a value
    /// (`google.protobuf.Value`, `google.protobuf.NullValue`).
    private static func isAbsent(_ value: ProtoJSONValue, _ field: FieldLayout) -> Bool {
        guard isNull(value) else { return false }
        switch (field.cardinality, field.type) {
        case (.singular, .message(WellKnownType.value)), (.singular, .enumeration(WellKnownType.nullValue)),
            (.required, .message(WellKnownType.value)), (.required, .enumeration(WellKnownType.nullValue)):
            return false
        default:
            return true
        }
    }

    private func field(_ field: FieldLayout, _ value: ProtoJSONValue, path: String, into writer: inout ProtoWriter)
        throws(ProtoEncodeError)
    {
        switch field.cardinality {
        case .singular(let presence):
            try single(field.type, number: field.number, value, path: path, presence: presence, into: &writer)
        case .required:
            try single(field.type, number: field.number, value, path: path, presence: true, into: &writer)
        case .repeated(let packed):
            guard case .array(let elements, _) = value else { throw Self.wrongType(path, expected: "a JSON array", found: value) }
            for (position, element) in elements.enumerated()
            where Self.isNull(element) && field.type != .message(WellKnownType.value) {
                throw ProtoEncodeError(
                    fieldPath: "\(path)[\(position)]", message: "null is not allowed in a list", location: element.location)
            }
            if packed {
                var packedValues = ProtoWriter()
                for (position, element) in elements.enumerated() {
                    try scalar(element, field.type, path: "\(path)[\(position)]").write(to: &packedValues)
                }
                guard !packedValues.bytes.isEmpty else { return }
                writer.tag(field.number, .lengthDelimited)
                writer.lengthDelimited(packedValues.bytes)
            } else {
                for (position, element) in elements.enumerated() {
                    try single(
                        field.type, number: field.number, element, path: "\(path)[\(position)]", presence: true, into: &writer)
                }
            }
        case .map(let key, let valueField):
            try map(field.number, key: key, value: valueField, value, path: path, into: &writer)
        }
    }

    /// One value with its tag; an implicit-presence field's default is left out.
    func single(
        _ type: FieldType, number: Int32, _ value: ProtoJSONValue, path: String, presence: Bool, into writer: inout ProtoWriter
    )
        throws(ProtoEncodeError)
    {
        switch type {
        case .message(let name):
            let body = try message(value, type: name, path: path)
            writer.tag(number, .lengthDelimited)
            writer.lengthDelimited(body)
        case .group(let name):
            let body = try message(value, type: name, path: path)
            writer.tag(number, .startGroup)
            writer.append(body)
            writer.tag(number, .endGroup)
        default:
            let scalar = try scalar(value, type, path: path)
            guard presence || !scalar.isDefault else { return }
            writer.tag(number, type.wireType)
            scalar.write(to: &writer)
        }
    }

    /// Map entries (key field 1, value field 2, both always written), sorted by key.
    private func map(
        _ number: Int32, key: FieldLayout, value valueField: FieldLayout, _ value: ProtoJSONValue, path: String,
        into writer: inout ProtoWriter
    ) throws(ProtoEncodeError) {
        guard case .object(let members, _) = value else {
            throw Self.wrongType(path, expected: "a JSON object (a map)", found: value)
        }
        var entries: [(key: MapKey, location: SourceLocation, path: String, bytes: [UInt8])] = []
        for member in members {
            let entryPath = "\(path)[\(Self.quoted(member.key))]"
            let (keyScalar, sortKey) = try mapKey(member.key, key.type, path: entryPath, location: member.keyLocation)
            if Self.isNull(member.value) && valueField.type != .message(WellKnownType.value) {
                throw ProtoEncodeError(
                    fieldPath: entryPath, message: "a map value must not be null", location: member.value.location)
            }
            var entry = ProtoWriter()
            entry.tag(1, key.type.wireType)
            keyScalar.write(to: &entry)
            try single(valueField.type, number: 2, member.value, path: entryPath, presence: true, into: &entry)
            entries.append((sortKey, member.keyLocation, entryPath, entry.bytes))
        }
        entries.sort { $0.key < $1.key }
        for (position, entry) in entries.enumerated() {
            if position > 0, entries[position - 1].key == entry.key {
                let later =
                    entry.location.line > entries[position - 1].location.line
                    || (entry.location.line == entries[position - 1].location.line
                        && entry.location.column > entries[position - 1].location.column)
                let duplicate = later ? entry : entries[position - 1]
                throw ProtoEncodeError(fieldPath: duplicate.path, message: "map key given twice", location: duplicate.location)
            }
            writer.tag(number, .lengthDelimited)
            writer.lengthDelimited(entry.bytes)
        }
    }

    static func isNull(_ value: ProtoJSONValue) -> Bool {
        if case .null = value { return true }
        return false
    }

    static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    static func quoted(_ key: String) -> String {
        var text = "\""
        for character in key {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        return text + "\""
    }

    static func describe(_ value: ProtoJSONValue) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let text, _): return "the string \(quoted(text))"
        case .number(let text, _): return "the number \(text)"
        case .bool(let flag, _): return "\(flag)"
        case .null: return "null"
        }
    }

    static func wrongType(_ path: String, expected: String, found value: ProtoJSONValue) -> ProtoEncodeError {
        ProtoEncodeError(fieldPath: path, message: "expected \(expected), found \(describe(value))", location: value.location)
    }

    private static func unknownField(_ key: String, path: String, in layout: MessageLayout, location: SourceLocation)
        -> ProtoEncodeError
    {
        let names = layout.fields.map(\.name)
        var message = "\(layout.fullName) has no field \"\(key)\""
        if let nearest = NearestName.suggestion(for: key, among: names + layout.fields.map(\.jsonName)) {
            message += "; did you mean \"\(nearest)\"?"
        } else if names.isEmpty {
            message += " (it has no fields)"
        } else {
            message += "; its fields: \(names.joined(separator: ", "))"
        }
        return ProtoEncodeError(fieldPath: path, message: message, location: location)
    }
}
