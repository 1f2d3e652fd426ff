import Testing

@testable import ProtoSchema

/// proto2 (`protos/kinds2.proto`): set defaults are written, repeated fields are unpacked
/// unless `[packed = true]`, enums are closed, groups are delimited by tags; each against
/// python3-protobuf's bytes.
@Suite struct Proto2EncodingTests {
    static let cases: [EncodingCase] = [
        .init(name: "required only", type: "kinds.v2.Legacy", json: #"{"id": "1"}"#),
        .init(
            name: "set defaults are written (explicit presence)", type: "kinds.v2.Legacy",
            json: #"{"id": 0, "count": 0, "label": "", "flag": false, "ratio": 0}"#),
        .init(name: "repeated unpacked by default", type: "kinds.v2.Legacy", json: #"{"id": 1, "plain": [1, 2, -3]}"#),
        .init(
            name: "repeated packed when asked", type: "kinds.v2.Legacy",
            json: #"{"id": 1, "packedValues": ["-1", 1, "9223372036854775807"]}"#),
        .init(
            name: "closed enum by name and known number", type: "kinds.v2.Legacy",
            json: #"{"id": 1, "size": "LARGE", "sizes": [1, "LARGE"]}"#),
        .init(name: "group", type: "kinds.v2.Legacy", json: #"{"id": 1, "extra": {"tag": "g"}}"#),
        .init(
            name: "nested proto2 message and map", type: "kinds.v2.Legacy",
            json: #"{"id": 1, "part": {"name": "p", "weight": 0}, "parts": {"b": {"weight": 2}, "a": {}}}"#),
        .init(name: "proto names", type: "kinds.v2.Legacy", json: #"{"id": 2, "packed_values": [5]}"#)
    ]

    static let expected: [String: Result<String, ProtobufOracle.OracleFailure>] = {
        try! ProtobufOracle.expected(cases, descriptorSet: descriptorSet)
    }()

    static let descriptorSet: [UInt8] = try! ProtobufOracle.compile("kinds2.proto")
    static let schema: ProtoSchema = try! ProtoSchema(descriptorSet: descriptorSet)

    @Test(arguments: cases) func bytesEqualProtobufs(_ testCase: EncodingCase) throws {
        let expected = try #require(Self.expected[testCase.name]).get()
        let bytes = try Self.schema.encode(try ProtoJSONText.parse(testCase.json), as: testCase.type)
        #expect(ProtobufOracle.hex(bytes) == expected, "\(testCase.json)")
    }

    @Test func aMissingRequiredFieldIsNamed() {
        let error = #expect(throws: ProtoEncodeError.self) {
            try Self.schema.encode(try ProtoJSONText.parse(#"{"count": 1}"#), as: "kinds.v2.Legacy")
        }
        #expect(error?.fieldPath == "id")
        #expect(error?.message.contains("required") == true)
        #expect(error?.location == SourceLocation(line: 1, column: 1))
    }

    @Test func aClosedEnumRefusesAnUnknownNumber() {
        let error = #expect(throws: ProtoEncodeError.self) {
            try Self.schema.encode(try ProtoJSONText.parse(#"{"id": 1, "size": 7}"#), as: "kinds.v2.Legacy")
        }
        #expect(error?.fieldPath == "size")
        #expect(error?.message.contains("SMALL, LARGE") == true)
        #expect(error?.location == SourceLocation(line: 1, column: 19))
    }
}
