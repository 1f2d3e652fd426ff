/// Scalars in protobuf's JSON mapping: integers as numbers or strings (64-bit ones exactly),
/// floats with "NaN" and "±Infinity", bytes as base64, enums by name or number, map keys
/// from their JSON strings.
extension JSONMappingEncoder {
    func scalar(_ value: ProtoJSONValue, _ type: FieldType, path: String) throws(ProtoEncodeError) -> ScalarValue {
        switch type {
        case .int32:
            return .varint(UInt64(bitPattern: try Self.signed(value, path: path, bits: 32, typeName: "int32")))
        case .sint32:
            let number = Int32(try Self.signed(value, path: path, bits: 32, typeName: "sint32"))
            return .varint(UInt64(UInt32(bitPattern: (number << 1) ^ (number >> 31))))
        case .sfixed32:
            return .fixed32(UInt32(bitPattern: Int32(try Self.signed(value, path: path, bits: 32, typeName: "sfixed32"))))
        case .int64:
            return .varint(UInt64(bitPattern: try Self.signed(value, path: path, bits: 64, typeName: "int64")))
        case .sint64:
            let number = try Self.signed(value, path: path, bits: 64, typeName: "sint64")
            return .varint(UInt64(bitPattern: (number << 1) ^ (number >> 63)))
        case .sfixed64:
            return .fixed64(UInt64(bitPattern: try Self.signed(value, path: path, bits: 64, typeName: "sfixed64")))
        case .uint32:
            return .varint(try Self.unsigned(value, path: path, bits: 32, typeName: "uint32"))
        case .fixed32:
            return .fixed32(UInt32(try Self.unsigned(value, path: path, bits: 32, typeName: "fixed32")))
        case .uint64:
            return .varint(try Self.unsigned(value, path: path, bits: 64, typeName: "uint64"))
        case .fixed64:
            return .fixed64(try Self.unsigned(value, path: path, bits: 64, typeName: "fixed64"))
        case .double:
            return .fixed64(try Self.floatingPoint(value, path: path, typeName: "double").bitPattern)
        case .float:
            let number = try Self.floatingPoint(value, path: path, typeName: "float")
            guard !number.isFinite || abs(number) <= Double(Float.greatestFiniteMagnitude) else {
                throw ProtoEncodeError(
                    fieldPath: path, message: "\(Self.describe(value)) is out of range for float", location: value.location)
            }
            return .fixed32(Float(number).bitPattern)
        case .bool:
            guard case .bool(let flag, _) = value else { throw Self.wrongType(path, expected: "true or false", found: value) }
            return .varint(flag ? 1 : 0)
        case .string:
            guard case .string(let text, _) = value else { throw Self.wrongType(path, expected: "a string", found: value) }
            return .lengthDelimited(Array(text.utf8))
        case .bytes:
            guard case .string(let text, _) = value else {
                throw Self.wrongType(path, expected: "a base64 string (bytes)", found: value)
            }
            guard let bytes = Base64Text.decode(text) else {
                throw ProtoEncodeError(
                    fieldPath: path, message: "\(Self.quoted(text)) is not base64 (bytes)", location: value.location)
            }
            return .lengthDelimited(bytes)
        case .enumeration(let name):
            return .varint(UInt64(bitPattern: Int64(try enumNumber(value, enumName: name, path: path))))
        case .message, .group:
            preconditionFailure("messages are encoded by single(_:number:_:path:presence:into:), not as scalars")
        }
    }

    /// A map key from its JSON string: `"true"`/`"false"` for bool keys, the digits for integer keys.
    func mapKey(_ key: String, _ type: FieldType, path: String, location: SourceLocation) throws(ProtoEncodeError) -> (
        ScalarValue, MapKey
    ) {
        switch type {
        case .bool:
            guard key == "true" || key == "false" else {
                throw ProtoEncodeError(fieldPath: path, message: "a bool map key is \"true\" or \"false\"", location: location)
            }
            return (.varint(key == "true" ? 1 : 0), .bool(key == "true"))
        case .string:
            return (.lengthDelimited(Array(key.utf8)), .string(Array(key.utf8)))
        case .uint32, .uint64, .fixed32, .fixed64:
            let scalar = try scalar(.string(key, location), type, path: path)
            switch scalar {
            case .varint(let number), .fixed64(let number): return (scalar, .unsigned(number))
            case .fixed32(let number): return (scalar, .unsigned(UInt64(number)))
            case .lengthDelimited: preconditionFailure("an unsigned key encodes as a number")
            }
        default:
            let bits = [.int64, .sint64, .sfixed64].contains(type) ? 64 : 32
            let number = try Self.signed(.string(key, location), path: path, bits: bits, typeName: "\(type) map key")
            return (try scalar(.string(key, location), type, path: path), .signed(number))
        }
    }

    private func enumNumber(_ value: ProtoJSONValue, enumName: String, path: String) throws(ProtoEncodeError) -> Int32 {
        guard let layout = index.enums[enumName] else {
            throw ProtoEncodeError(fieldPath: path, message: "no enum type \(enumName) in the .proto", location: value.location)
        }
        let valid = "valid: \(layout.names.joined(separator: ", "))"
        switch value {
        case .string(let name, _):
            guard let number = layout.numberByName[name] else {
                throw ProtoEncodeError(
                    fieldPath: path, message: "\(Self.quoted(name)) is not a value of enum \(enumName); \(valid)",
                    location: value.location)
            }
            return number
        case .number:
            let number = Int32(try Self.signed(value, path: path, bits: 32, typeName: "enum \(enumName)"))
            guard !layout.closed || layout.knownNumbers.contains(number) else {
                throw ProtoEncodeError(
                    fieldPath: path, message: "\(number) is not a value of the closed enum \(enumName); \(valid)",
                    location: value.location)
            }
            return number
        case .null where enumName == WellKnownType.nullValue:
            return 0
        default:
            throw Self.wrongType(path, expected: "a name of enum \(enumName) (\(valid)) or its number", found: value)
        }
    }

    /// An integer of `bits` bits, from a JSON number or a string holding one.
    static func signed(_ value: ProtoJSONValue, path: String, bits: Int, typeName: String) throws(ProtoEncodeError) -> Int64 {
        let maximum = bits == 64 ? Int64.max : Int64(Int32.max), minimum = bits == 64 ? Int64.min : Int64(Int32.min)
        let outOfRange = ProtoEncodeError(
            fieldPath: path, message: "\(describe(value)) is out of range for \(typeName) (\(minimum) … \(maximum))",
            location: value.location)
        switch try integer(value, path: path, typeName: typeName) {
        case .value(let negative, let magnitude):
            if negative {
                guard magnitude <= minimum.magnitude else { throw outOfRange }
                return Int64(bitPattern: 0 &- magnitude)
            }
            guard magnitude <= UInt64(maximum) else { throw outOfRange }
            return Int64(magnitude)
        case .tooLarge:
            throw outOfRange
        case .notAnInteger:
            throw ProtoEncodeError(
                fieldPath: path, message: "\(describe(value)) is not an integer (\(typeName))", location: value.location)
        }
    }

    /// A non-negative integer of `bits` bits.
    static func unsigned(_ value: ProtoJSONValue, path: String, bits: Int, typeName: String) throws(ProtoEncodeError) -> UInt64 {
        let maximum = bits == 64 ? UInt64.max : UInt64(UInt32.max)
        let outOfRange = ProtoEncodeError(
            fieldPath: path, message: "\(describe(value)) is out of range for \(typeName) (0 … \(maximum))",
            location: value.location)
        switch try integer(value, path: path, typeName: typeName) {
        case .value(let negative, let magnitude):
            guard !negative || magnitude == 0, magnitude <= maximum else { throw outOfRange }
            return magnitude
        case .tooLarge:
            throw outOfRange
        case .notAnInteger:
            throw ProtoEncodeError(
                fieldPath: path, message: "\(describe(value)) is not an integer (\(typeName))", location: value.location)
        }
    }

    private static func integer(_ value: ProtoJSONValue, path: String, typeName: String) throws(ProtoEncodeError)
        -> NumberLiteral.Integer
    {
        switch value {
        case .number(let text, _), .string(let text, _): return NumberLiteral.integer(text)
        default: throw wrongType(path, expected: "an integer (\(typeName)) as a number or a string", found: value)
        }
    }

    /// A double from a JSON number, or a string holding a number, "NaN", "Infinity" or "-Infinity".
    static func floatingPoint(_ value: ProtoJSONValue, path: String, typeName: String) throws(ProtoEncodeError) -> Double {
        let text: String
        switch value {
        case .number(let literal, _): text = literal
        case .string("NaN", _): return .nan
        case .string("Infinity", _): return .infinity
        case .string("-Infinity", _): return -.infinity
        case .string(let literal, _): text = literal
        default: throw wrongType(path, expected: "a number (\(typeName)), \"NaN\", \"Infinity\" or \"-Infinity\"", found: value)
        }
        guard NumberLiteral.isJSONNumber(Substring(text)), let number = Double(text) else {
            throw ProtoEncodeError(
                fieldPath: path, message: "\(describe(value)) is not a number (\(typeName))", location: value.location)
        }
        guard number.isFinite else {
            throw ProtoEncodeError(
                fieldPath: path, message: "\(describe(value)) is out of range for \(typeName) (write \"Infinity\" for infinity)",
                location: value.location)
        }
        return number
    }
}
