/// Every message, enum and method of a descriptor set, by full name (no leading dot), with
/// each field resolved once: presence, packing, map entries, oneofs.
struct DescriptorIndex: Sendable {
    var messages: [String: MessageLayout] = [:]
    var enums: [String: EnumLayout] = [:]
    /// In declaration order, for the list an unknown method's error shows.
    var methods: [ProtoMethod] = []

    init(_ set: DescriptorSet) throws(ProtoSchemaError) {
        // Map entries and type names are resolved after every file is read: a field may refer
        // to a type declared later or in another file.
        var declared: [String: (message: DescriptorSet.Message, proto3: Bool)] = [:]
        var services: [(service: DescriptorSet.Service, package: String)] = []
        for file in set.file {
            let proto3: Bool
            switch file.syntax {
            case "", "proto2": proto3 = false
            case "proto3": proto3 = true
            default: throw .unsupportedSyntax(file: file.name, syntax: file.syntax)
            }
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for message in file.messageType {
                Self.declare(message, prefix: prefix, proto3: proto3, into: &declared, enums: &enums)
            }
            for enumType in file.enumType {
                enums[prefix + enumType.name] = Self.layout(enumType, fullName: prefix + enumType.name, closed: !proto3)
            }
            services += file.service.map { ($0, file.package) }
        }
        for (fullName, entry) in declared {
            messages[fullName] = try Self.layout(
                entry.message, fullName: fullName, proto3: entry.proto3, declared: declared, enums: enums)
        }
        for (service, package) in services {
            let serviceName = package.isEmpty ? service.name : package + "." + service.name
            for method in service.method {
                let path = "/\(serviceName)/\(method.name)"
                let input = Self.strip(method.inputType), output = Self.strip(method.outputType)
                for type in [input, output] where messages[type] == nil {
                    throw .unresolvedType(type, referencedBy: "method \(serviceName)/\(method.name)")
                }
                methods.append(
                    ProtoMethod(
                        path: path, inputType: input, outputType: output,
                        kind: StreamingKind(clientStreams: method.clientStreaming, serverStreams: method.serverStreaming)))
            }
        }
    }

    /// A type name as descriptors write it, fully qualified with a leading dot, without the dot.
    static func strip(_ typeName: String) -> String {
        typeName.hasPrefix(".") ? String(typeName.dropFirst()) : typeName
    }

    private static func declare(
        _ message: DescriptorSet.Message, prefix: String, proto3: Bool,
        into declared: inout [String: (message: DescriptorSet.Message, proto3: Bool)],
        enums: inout [String: EnumLayout]
    ) {
        let fullName = prefix + message.name
        declared[fullName] = (message, proto3)
        for nested in message.nestedType {
            declare(nested, prefix: fullName + ".", proto3: proto3, into: &declared, enums: &enums)
        }
        for enumType in message.enumType {
            enums[fullName + "." + enumType.name] = layout(enumType, fullName: fullName + "." + enumType.name, closed: !proto3)
        }
    }

    private static func layout(_ enumType: DescriptorSet.Enumeration, fullName: String, closed: Bool) -> EnumLayout {
        var numberByName: [String: Int32] = [:]
        for value in enumType.value { numberByName[value.name] = value.number }
        return EnumLayout(
            fullName: fullName, names: enumType.value.map(\.name), numberByName: numberByName,
            knownNumbers: Set(enumType.value.map(\.number)), closed: closed)
    }

    private static func layout(
        _ message: DescriptorSet.Message, fullName: String, proto3: Bool,
        declared: [String: (message: DescriptorSet.Message, proto3: Bool)], enums: [String: EnumLayout]
    ) throws(ProtoSchemaError) -> MessageLayout {
        // proto3 `optional` wraps its field in a synthetic oneof: presence, not a real oneof.
        var realOneofs: [Int: Int] = [:]
        var oneofNames: [String] = []
        for (index, oneofName) in message.oneofDecl.enumerated()
        where message.field.contains(where: { $0.oneofIndex == Int32(index) && !$0.proto3Optional }) {
            realOneofs[index] = oneofNames.count
            oneofNames.append(oneofName)
        }
        var fields: [FieldLayout] = []
        for field in message.field {
            fields.append(
                try layout(
                    field, in: fullName, proto3: proto3, oneof: field.oneofIndex.flatMap { realOneofs[Int($0)] },
                    declared: declared, enums: enums))
        }
        fields.sort { $0.number < $1.number }
        var fieldIndexByName: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            fieldIndexByName[field.name] = index
            fieldIndexByName[field.jsonName] = index
        }
        return MessageLayout(fullName: fullName, fields: fields, fieldIndexByName: fieldIndexByName, oneofNames: oneofNames)
    }

    private static func layout(
        _ field: DescriptorSet.Field, in messageName: String, proto3: Bool, oneof: Int?,
        declared: [String: (message: DescriptorSet.Message, proto3: Bool)], enums: [String: EnumLayout]
    ) throws(ProtoSchemaError) -> FieldLayout {
        let type = try fieldType(field, in: messageName, declared: declared, enums: enums)
        let cardinality: FieldLayout.Cardinality
        switch field.label {
        case .repeated:
            if case .message(let entryName) = type, let entry = declared[entryName]?.message, entry.mapEntry {
                let entryFields = entry.field.sorted { $0.number < $1.number }
                guard entryFields.count == 2 else {
                    throw .unresolvedType(entryName, referencedBy: "\(messageName).\(field.name)")
                }
                let key = try layout(entryFields[0], in: entryName, proto3: true, oneof: nil, declared: declared, enums: enums)
                let value = try layout(entryFields[1], in: entryName, proto3: true, oneof: nil, declared: declared, enums: enums)
                cardinality = .map(key: key, value: value)
            } else {
                let packed = field.packed ?? proto3
                cardinality = .repeated(packed: packed && type.isPackable)
            }
        case .required:
            cardinality = .required
        case .optional:
            let presence: Bool
            switch type {
            case .message, .group: presence = true
            default: presence = !proto3 || field.proto3Optional || oneof != nil
            }
            cardinality = .singular(presence: presence)
        }
        let jsonName = field.jsonName ?? Self.lowerCamelCase(field.name)
        return FieldLayout(
            name: field.name, jsonName: jsonName, number: field.number, type: type, cardinality: cardinality, oneofIndex: oneof)
    }

    private static func fieldType(
        _ field: DescriptorSet.Field, in messageName: String,
        declared: [String: (message: DescriptorSet.Message, proto3: Bool)], enums: [String: EnumLayout]
    ) throws(ProtoSchemaError) -> FieldType {
        let referenced = strip(field.typeName)
        switch field.type {
        case .double: return .double
        case .float: return .float
        case .int64: return .int64
        case .uint64: return .uint64
        case .int32: return .int32
        case .fixed64: return .fixed64
        case .fixed32: return .fixed32
        case .bool: return .bool
        case .string: return .string
        case .bytes: return .bytes
        case .uint32: return .uint32
        case .sfixed32: return .sfixed32
        case .sfixed64: return .sfixed64
        case .sint32: return .sint32
        case .sint64: return .sint64
        case .enumeration:
            guard enums[referenced] != nil else {
                throw .unresolvedType(referenced, referencedBy: "\(messageName).\(field.name)")
            }
            return .enumeration(referenced)
        case .message, .group:
            guard declared[referenced] != nil else {
                throw .unresolvedType(referenced, referencedBy: "\(messageName).\(field.name)")
            }
            return field.type == .group ? .group(referenced) : .message(referenced)
        }
    }

    /// protoc's rule for a field without `json_name`: drop each `_` and upper-case the letter after it.
    static func lowerCamelCase(_ name: String) -> String {
        var result = ""
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}
