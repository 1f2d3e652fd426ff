/// The parts of protobuf's `google.protobuf.FileDescriptorSet` (descriptor.proto) a schema needs,
/// read from the bytes `protoc --descriptor_set_out` writes.
///
/// Read here rather than with swift-protobuf's generated descriptor types: depending on the
/// swift-protobuf package makes every `swift build --build-tests` compile its bundled C++ protoc
/// (219 files; 24 minutes on this 2-core machine under load), which every CI run would pay, for
/// the ~25 fields below. The field numbers are descriptor.proto's, which protobuf keeps stable.
struct DescriptorSet {
    /// `FileDescriptorProto`.
    struct File {
        var name = "", package = "", syntax = ""
        var messageType: [Message] = [], enumType: [Enumeration] = [], service: [Service] = []
    }

    /// `DescriptorProto`.
    struct Message {
        var name = ""
        var field: [Field] = [], nestedType: [Message] = [], enumType: [Enumeration] = []
        var oneofDecl: [String] = []
        /// `MessageOptions.map_entry`: the synthetic entry type of a `map<K, V>` field.
        var mapEntry = false
    }

    /// `FieldDescriptorProto`.
    struct Field {
        enum Label: UInt64 { case optional = 1, required = 2, repeated = 3 }
        enum Kind: UInt64 {
            case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes, uint32
            case enumeration, sfixed32, sfixed64, sint32, sint64
        }
        var name = "", number: Int32 = 0, label = Label.optional, type = Kind.double, typeName = ""
        var oneofIndex: Int32? = nil, jsonName: String? = nil, proto3Optional = false
        /// `FieldOptions.packed` when written; nil takes the syntax's default.
        var packed: Bool? = nil
    }

    /// `EnumDescriptorProto`.
    struct Enumeration {
        var name = ""
        var value: [(name: String, number: Int32)] = []
    }

    /// `ServiceDescriptorProto`.
    struct Service {
        var name = ""
        var method: [Method] = []
    }

    /// `MethodDescriptorProto`.
    struct Method {
        var name = "", inputType = "", outputType = ""
        var clientStreaming = false, serverStreaming = false
    }

    var file: [File] = []

    init(bytes: [UInt8]) throws(ProtoReader.Malformed) {
        var reader = ProtoReader(bytes[...])
        while let field = try reader.next() {
            if case .lengthDelimited(1, let body) = field { file.append(try Self.file(body)) }
        }
    }

    private static func file(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> File {
        var file = File()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            guard case .lengthDelimited(let number, let body) = field else { continue }
            switch number {
            case 1: file.name = try text(body)
            case 2: file.package = try text(body)
            case 4: file.messageType.append(try message(body))
            case 5: file.enumType.append(try enumeration(body))
            case 6: file.service.append(try service(body))
            case 12: file.syntax = try text(body)
            default: break
            }
        }
        return file
    }

    /// Nested types recurse; protoc itself refuses nesting deep enough to matter.
    private static func message(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Message {
        var message = Message()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            guard case .lengthDelimited(let number, let body) = field else { continue }
            switch number {
            case 1: message.name = try text(body)
            case 2: message.field.append(try self.field(body))
            case 3: message.nestedType.append(try self.message(body))
            case 4: message.enumType.append(try enumeration(body))
            case 7: message.mapEntry = try flag(7, in: body)
            case 8: message.oneofDecl.append(try name(body))
            default: break
            }
        }
        return message
    }

    private static func field(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Field {
        var result = Field()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            switch field {
            case .varint(3, let value): result.number = Int32(truncatingIfNeeded: value)
            case .varint(4, let value):
                guard let label = Field.Label(rawValue: value) else { throw .init(description: "field label \(value)") }
                result.label = label
            case .varint(5, let value):
                guard let kind = Field.Kind(rawValue: value) else { throw .init(description: "field type \(value)") }
                result.type = kind
            case .varint(9, let value): result.oneofIndex = Int32(truncatingIfNeeded: value)
            case .varint(17, let value): result.proto3Optional = value != 0
            case .lengthDelimited(1, let body): result.name = try text(body)
            case .lengthDelimited(6, let body): result.typeName = try text(body)
            case .lengthDelimited(8, let body): result.packed = try optionalFlag(2, in: body)
            case .lengthDelimited(10, let body): result.jsonName = try text(body)
            default: break
            }
        }
        return result
    }

    private static func enumeration(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Enumeration {
        var result = Enumeration()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            switch field {
            case .lengthDelimited(1, let body): result.name = try text(body)
            case .lengthDelimited(2, let body):
                var name = "", number: Int32 = 0
                var valueReader = ProtoReader(body)
                while let valueField = try valueReader.next() {
                    switch valueField {
                    case .lengthDelimited(1, let text): name = try self.text(text)
                    case .varint(2, let value): number = Int32(truncatingIfNeeded: value)
                    default: break
                    }
                }
                result.value.append((name, number))
            default: break
            }
        }
        return result
    }

    private static func service(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Service {
        var result = Service()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            switch field {
            case .lengthDelimited(1, let body): result.name = try text(body)
            case .lengthDelimited(2, let body): result.method.append(try method(body))
            default: break
            }
        }
        return result
    }

    private static func method(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Method {
        var result = Method()
        var reader = ProtoReader(bytes)
        while let field = try reader.next() {
            switch field {
            case .lengthDelimited(1, let body): result.name = try text(body)
            case .lengthDelimited(2, let body): result.inputType = try text(body)
            case .lengthDelimited(3, let body): result.outputType = try text(body)
            case .varint(5, let value): result.clientStreaming = value != 0
            case .varint(6, let value): result.serverStreaming = value != 0
            default: break
            }
        }
        return result
    }

    /// The `name` (field 1) of a record that has one, such as `OneofDescriptorProto`.
    private static func name(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> String {
        var reader = ProtoReader(bytes)
        var name = ""
        while let field = try reader.next() {
            if case .lengthDelimited(1, let body) = field { name = try text(body) }
        }
        return name
    }

    /// A bool option inside an options record; false when not written.
    private static func flag(_ number: Int32, in bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Bool {
        try optionalFlag(number, in: bytes) ?? false
    }

    private static func optionalFlag(_ number: Int32, in bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> Bool? {
        var reader = ProtoReader(bytes)
        var result: Bool?
        while let field = try reader.next() {
            if case .varint(number, let value) = field { result = value != 0 }
        }
        return result
    }

    private static func text(_ bytes: ArraySlice<UInt8>) throws(ProtoReader.Malformed) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .init(description: "a name that is not UTF-8")
        }
        return text
    }
}
