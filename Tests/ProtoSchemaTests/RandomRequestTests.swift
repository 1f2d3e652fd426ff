import Foundation
import SeededRandom
import Testing

@testable import ProtoSchema

/// Random requests for every message of `protos/kinds3.proto`, generated from the schema's own
/// field layouts (every field kind, lists, maps, oneofs, well-known types, nesting), each equal
/// to python3-protobuf's bytes. The seed is fixed, so a failure repeats.
@Suite struct RandomRequestTests {
    static let messageTypes = [
        "kinds.v3.Scalars", "kinds.v3.Repeated", "kinds.v3.Nested", "kinds.v3.Maps", "kinds.v3.Choice", "kinds.v3.WellKnown"
    ]

    static let cases: [EncodingCase] = {
        var generator = RandomRequest(index: Proto3EncodingTests.schema.index, seed: 18)
        return (0..<300).map { number in
            let type = messageTypes[number % messageTypes.count]
            return EncodingCase(name: "random \(number) (\(type))", type: type, json: generator.message(type, depth: 0))
        }
    }()

    /// The generator reaches the kinds that matter, so a pass means something.
    @Test func theCorpusCoversEveryKind() {
        let texts = Self.cases.map(\.json)
        for needle in [
            "\"NaN\"", "\"-Infinity\"", "@type", "\"int64String\": {\"", "\"boolString\": {\"", "\"sfixed64Sint64\": {\"",
            "\"rMessage\": [{", "\"inner\": {", "\"child\": {\"", "\"details\": {", "\"9223372036854775807\"",
            "18446744073709551615",
            "-2147483648", "\"took\": \"", "\"at\": \"", "\"mask\": \"", "\"f_int32\"", "\"fInt32\"", "\"nullValue\": null"
        ] {
            #expect(texts.contains { $0.contains(needle) }, "no random request holds \(needle)")
        }
    }

    @Test func bytesEqualProtobufs() throws {
        let expected = try ProtobufOracle.expected(Self.cases, descriptorSet: Proto3EncodingTests.descriptorSet)
        for testCase in Self.cases {
            let answer = try #require(expected[testCase.name])
            guard case .success(let hex) = answer else {
                Issue.record("protobuf refused \(testCase.name): \(answer) for \(testCase.json)")
                continue
            }
            let bytes = try Proto3EncodingTests.schema.encode(try ProtoJSONText.parse(testCase.json), as: testCase.type)
            #expect(ProtobufOracle.hex(bytes) == hex, "\(testCase.name): \(testCase.json)")
        }
    }
}

/// JSON text for a message type, field by field from its layout.
struct RandomRequest {
    let index: DescriptorIndex
    var generator: SeededGenerator

    init(index: DescriptorIndex, seed: UInt64) {
        self.index = index
        self.generator = SeededGenerator(seed: seed)
    }

    /// The same sequence on every machine.
    mutating func next() -> UInt64 { generator.next() }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func message(_ type: String, depth: Int) -> String {
        if let special = wellKnown(type, depth: depth) { return special }
        guard let layout = index.messages[type] else { return "{}" }
        var members: [String] = []
        var oneofsUsed: Set<Int> = []
        for field in layout.fields where chance(55) {
            if let oneof = field.oneofIndex {
                guard oneofsUsed.insert(oneof).inserted else { continue }
            }
            if depth >= 3, case .message = field.type { continue }
            let key = chance(50) ? field.jsonName : field.name
            switch field.cardinality {
            case .singular, .required:
                members.append("\(Self.quote(key)): \(value(field.type, depth: depth))")
            case .repeated:
                let values = (0..<below(4)).map { _ in value(field.type, depth: depth) }
                members.append("\(Self.quote(key)): [\(values.joined(separator: ", "))]")
            case .map(let keyField, let valueField):
                var keys: Set<String> = []
                var entries: [String] = []
                for _ in 0..<below(4) {
                    let mapKey = self.mapKey(keyField.type)
                    guard keys.insert(mapKey).inserted else { continue }
                    entries.append("\(Self.quote(mapKey)): \(value(valueField.type, depth: depth))")
                }
                members.append("\(Self.quote(key)): {\(entries.joined(separator: ", "))}")
            }
        }
        return "{\(members.joined(separator: ", "))}"
    }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> String {
        let text: String
        switch below(4) {
        case 0: text = String(T.min)
        case 1: text = String(T.max)
        case 2: text = String(T(truncatingIfNeeded: next()) >> (T.bitWidth - 8))
        default: text = String(T(truncatingIfNeeded: next()))
        }
        return chance(50) ? Self.quote(text) : text
    }

    mutating func value(_ type: FieldType, depth: Int) -> String {
        switch type {
        case .int32, .sint32, .sfixed32: return integer(Int32.self)
        case .uint32, .fixed32: return integer(UInt32.self)
        case .int64, .sint64, .sfixed64: return integer(Int64.self)
        case .uint64, .fixed64: return integer(UInt64.self)
        case .float:
            switch below(6) {
            case 0: return ["\"NaN\"", "\"Infinity\"", "\"-Infinity\""][below(3)]
            case 1: return "\(Float(bitPattern: UInt32(truncatingIfNeeded: next()) & 0x7EFF_FFFF))"
            default: return "\(Float(Int32(truncatingIfNeeded: next()) >> 8) / 64)"
            }
        case .double:
            switch below(6) {
            case 0: return ["\"NaN\"", "\"Infinity\"", "\"-Infinity\""][below(3)]
            case 1: return "\(Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF))"
            case 2: return Self.quote("\(Double(Int64(truncatingIfNeeded: next()) >> 20) / 1024)")
            default: return "\(Double(Int64(truncatingIfNeeded: next()) >> 12) / 1_000_000)"
            }
        case .bool: return chance(50) ? "true" : "false"
        case .string:
            return Self.quote(["", "a", "ledger", "zürich \u{1F600}", "tab\tquote\"back\\slash", "\u{7F}\u{0}x"][below(6)])
        case .bytes:
            let bytes = (0..<below(9)).map { _ in UInt8(truncatingIfNeeded: next()) }
            var text = Data(bytes).base64EncodedString()
            if chance(50) { text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
            if chance(50) { text = text.replacingOccurrences(of: "=", with: "") }
            return Self.quote(text)
        case .enumeration(let name):
            guard let layout = index.enums[name] else { return "0" }
            if name == WellKnownType.nullValue { return chance(50) ? "null" : "\"NULL_VALUE\"" }
            if chance(20) && !layout.closed { return "\(below(50))" }
            let chosen = layout.names[below(layout.names.count)]
            return chance(70) ? Self.quote(chosen) : "\(layout.numberByName[chosen]!)"
        case .message(let name), .group(let name):
            return message(name, depth: depth + 1)
        }
    }

    mutating func mapKey(_ type: FieldType) -> String {
        switch type {
        case .bool: return chance(50) ? "true" : "false"
        case .string: return ["", "a", "b", "B", "é", "key with space", "10", "9"][below(8)]
        case .int32, .sint32, .sfixed32: return String(Int32(truncatingIfNeeded: next()) >> Int32(below(31)))
        case .uint32, .fixed32: return String(UInt32(truncatingIfNeeded: next()) >> UInt32(below(31)))
        case .int64, .sint64, .sfixed64: return String(Int64(truncatingIfNeeded: next()) >> Int64(below(63)))
        default: return String(next() >> UInt64(below(63)))
        }
    }

    /// The well-known types' JSON forms, or nil for an ordinary message.
    mutating func wellKnown(_ type: String, depth: Int) -> String? {
        switch type {
        case WellKnownType.timestamp:
            return Self.quote(
                [
                    "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "0001-01-01T00:00:00Z", "1999-12-31T23:00:00.5-01:00",
                    "9999-12-31T23:59:59.999999999Z", "2038-01-19T03:14:08.000001+05:30"
                ][below(6)])
        case WellKnownType.duration:
            let seconds = Int64(truncatingIfNeeded: next()) % 315_576_000_000
            let nanos = below(1_000_000_000)
            return Self.quote(chance(30) ? "\(seconds)s" : "\(seconds).\(String(format: "%09d", nanos))s")
        case WellKnownType.fieldMask:
            return Self.quote(["", "a", "fooBar", "a.bC,dE.f", "user.displayName,id"][below(5)])
        case WellKnownType.structType, WellKnownType.value, WellKnownType.listValue:
            let json = anyJSON(depth: depth)
            if type == WellKnownType.structType { return "{\"k\": \(json), \"z\": 1}" }
            if type == WellKnownType.listValue { return "[\(json), null]" }
            return json
        case WellKnownType.any:
            return #"{"@type": "type.googleapis.com/kinds.v3.Nested.Inner", "label": "in any", "amount": "-7"}"#
        case let wrapper where WellKnownType.wrappers[wrapper] != nil:
            return value(WellKnownType.wrappers[wrapper]!, depth: depth)
        default:
            return nil
        }
    }

    mutating func anyJSON(depth: Int) -> String {
        switch below(depth >= 3 ? 4 : 6) {
        case 0: return "null"
        case 1: return "\(Double(Int32(truncatingIfNeeded: next())) / 8)"
        case 2: return Self.quote(["", "s", "NaN", "ü"][below(4)])
        case 3: return chance(50) ? "true" : "false"
        case 4: return "{\"a\": \(anyJSON(depth: depth + 1)), \"b\": \(anyJSON(depth: depth + 1))}"
        default: return "[\(anyJSON(depth: depth + 1)), \(anyJSON(depth: depth + 1))]"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
