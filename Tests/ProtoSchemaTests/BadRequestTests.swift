import Testing

@testable import ProtoSchema

/// Requests that do not fit their message type: each error names the field path and the line
/// and column of the offending key or value, says what is wrong, and protobuf's own JSON
/// parser refuses the same request (so ProtoSchema is not stricter than protobuf).
@Suite struct BadRequestTests {
    /// A request that must fail, and how.
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let type: String
        let json: String
        let path: String
        let line: Int
        let column: Int
        /// A phrase the message must hold.
        let says: String
        /// Why ProtoSchema refuses what python3-protobuf's json_format lets through, if it does.
        var stricterThanPython: String? = nil

        var testDescription: String { name }
    }

    static let cases: [BadCase] = [
        .init(
            name: "unknown field suggests the nearest", type: "kinds.v3.Scalars", json: #"{"fInt23": 1}"#,
            path: "fInt23", line: 1, column: 2, says: #"did you mean "fInt32"?"#),
        .init(
            name: "wrong type deep in a multi-line request", type: "kinds.v3.Nested",
            json: "{\n  \"inner\": {\n    \"label\": \"x\",\n    \"amount\": \"twelve\"\n  }\n}",
            path: "inner.amount", line: 4, column: 15, says: "is not an integer (int64)"),
        .init(
            name: "bad enum name lists the valid ones", type: "kinds.v3.Scalars", json: #"{"fEnum": "BLUE"}"#,
            path: "fEnum", line: 1, column: 11, says: "valid: COLOR_UNSPECIFIED, RED, GREEN, NEGATIVE"),
        .init(
            name: "int32 out of range", type: "kinds.v3.Scalars", json: #"{"fInt32": 2147483648}"#,
            path: "fInt32", line: 1, column: 12, says: "out of range for int32 (-2147483648 … 2147483647)"),
        .init(
            name: "uint32 negative", type: "kinds.v3.Scalars", json: #"{"fUint32": -1}"#,
            path: "fUint32", line: 1, column: 13, says: "out of range for uint32"),
        .init(
            name: "int64 out of range as a string", type: "kinds.v3.Scalars", json: #"{"fInt64": "9223372036854775808"}"#,
            path: "fInt64", line: 1, column: 12, says: "out of range for int64"),
        .init(
            name: "uint64 beyond 64 bits", type: "kinds.v3.Scalars", json: #"{"fUint64": 18446744073709551616}"#,
            path: "fUint64", line: 1, column: 13, says: "out of range for uint64"),
        .init(
            name: "integer with a fraction", type: "kinds.v3.Scalars", json: #"{"fInt32": 1.5}"#,
            path: "fInt32", line: 1, column: 12, says: "is not an integer"),
        .init(
            name: "float beyond float's range", type: "kinds.v3.Scalars", json: #"{"fFloat": 1e39}"#,
            path: "fFloat", line: 1, column: 12, says: "out of range for float"),
        .init(
            name: "double beyond double's range", type: "kinds.v3.Scalars", json: #"{"fDouble": 1e400}"#,
            path: "fDouble", line: 1, column: 13, says: "out of range for double"),
        .init(
            name: "string given a number", type: "kinds.v3.Scalars", json: #"{"fString": 5}"#,
            path: "fString", line: 1, column: 13, says: "expected a string, found the number 5"),
        .init(
            name: "bool given a string", type: "kinds.v3.Scalars", json: #"{"fBool": "true"}"#,
            path: "fBool", line: 1, column: 11, says: "expected true or false"),
        .init(
            name: "bytes that are not base64", type: "kinds.v3.Scalars", json: #"{"fBytes": "not base64!"}"#,
            path: "fBytes", line: 1, column: 12, says: "is not base64"),
        .init(
            name: "the same field by both names", type: "kinds.v3.Scalars", json: #"{"fInt32": 1, "f_int32": 2}"#,
            path: "f_int32", line: 1, column: 15, says: #"given twice (also as "fInt32")"#,
            stricterThanPython: "json_format keeps the last of the two; which one the user meant is a guess"),
        .init(
            name: "two members of a oneof", type: "kinds.v3.Choice", json: #"{"number": 1, "text": "a"}"#,
            path: "text", line: 1, column: 15, says: #"oneof pick takes one field, and "number" is set too"#),
        .init(
            name: "bad field inside a list element", type: "kinds.v3.Repeated",
            json: #"{"rMessage": [{"note": "ok"}, {"note": 5}]}"#, path: "rMessage[1].note", line: 1, column: 40,
            says: "expected a string"),
        .init(
            name: "null inside a list", type: "kinds.v3.Repeated", json: #"{"rInt32": [1, null]}"#,
            path: "rInt32[1]", line: 1, column: 16, says: "null is not allowed in a list"),
        .init(
            name: "map key that is not an integer", type: "kinds.v3.Maps", json: #"{"int32Int32": {"x": 1}}"#,
            path: #"int32Int32["x"]"#, line: 1, column: 17, says: "is not an integer"),
        .init(
            name: "map bool key", type: "kinds.v3.Maps", json: #"{"boolString": {"yes": "y"}}"#,
            path: #"boolString["yes"]"#, line: 1, column: 17, says: #""true" or "false""#),
        .init(
            name: "unknown field in a map's message value", type: "kinds.v3.Maps",
            json: #"{"stringMessage": {"k": {"labl": "x"}}}"#, path: #"stringMessage["k"].labl"#, line: 1, column: 26,
            says: #"did you mean "label"?"#),
        .init(
            name: "message given an array", type: "kinds.v3.Nested", json: #"{"inner": []}"#,
            path: "inner", line: 1, column: 11, says: "expected a JSON object (message kinds.v3.Nested.Inner)",
            stricterThanPython: "json_format takes an empty list for an empty message"),
        .init(
            name: "Timestamp with month 13", type: "kinds.v3.WellKnown", json: #"{"at": "2024-13-01T00:00:00Z"}"#,
            path: "at", line: 1, column: 8, says: "is not a valid date and time"),
        .init(
            name: "Timestamp without a zone", type: "kinds.v3.WellKnown", json: #"{"at": "2024-01-01T00:00:00"}"#,
            path: "at", line: 1, column: 8, says: "is not an RFC 3339 timestamp"),
        .init(
            name: "Duration without its s", type: "kinds.v3.WellKnown", json: #"{"took": "1.5"}"#,
            path: "took", line: 1, column: 10, says: #"is not a duration like "1.5s""#),
        .init(
            name: "FieldMask with snake_case", type: "kinds.v3.WellKnown", json: #"{"mask": "foo_bar"}"#,
            path: "mask", line: 1, column: 10, says: "lowerCamelCase"),
        .init(
            name: "Any without @type", type: "kinds.v3.WellKnown", json: #"{"packed": {"note": "x"}}"#,
            path: "packed", line: 1, column: 12, says: "needs \"@type\""),
        .init(
            name: "wrapper of the wrong type", type: "kinds.v3.WellKnown", json: #"{"wInt32": "many"}"#,
            path: "wInt32", line: 1, column: 12, says: "is not an integer (int32)"),
        .init(
            name: "a request that is not an object", type: "kinds.v3.Scalars", json: "[1]",
            path: "", line: 1, column: 1, says: "expected a JSON object (message kinds.v3.Scalars), found an array")
    ]

    static let oracle: [String: Result<String, ProtobufOracle.OracleFailure>] = {
        try! ProtobufOracle.expected(
            cases.map { EncodingCase(name: $0.name, type: $0.type, json: $0.json) },
            descriptorSet: Proto3EncodingTests.descriptorSet)
    }()

    @Test(arguments: cases) func errorNamesFieldAndPlace(_ testCase: BadCase) throws {
        let value = try ProtoJSONText.parse(testCase.json)
        let error = #expect(throws: ProtoEncodeError.self) { try Proto3EncodingTests.schema.encode(value, as: testCase.type) }
        #expect(error?.fieldPath == testCase.path)
        #expect(error?.location == SourceLocation(line: testCase.line, column: testCase.column))
        #expect(error?.message.contains(testCase.says) == true, "\(error?.message ?? "no error")")
    }

    @Test(arguments: cases) func protobufRefusesItToo(_ testCase: BadCase) throws {
        let answer = try #require(Self.oracle[testCase.name])
        switch (answer, testCase.stricterThanPython) {
        case (.success(let hex), nil): Issue.record("protobuf accepted \(testCase.json) as \(hex)")
        case (.failure, .some): Issue.record("protobuf now refuses \(testCase.json): drop stricterThanPython")
        default: break
        }
    }

    @Test func farFromEveryNameListsTheFields() {
        let error = #expect(throws: ProtoEncodeError.self) {
            try Proto3EncodingTests.schema.encode(try ProtoJSONText.parse(#"{"somethingElse": 1}"#), as: "kinds.v3.Choice")
        }
        #expect(
            error?.message
                == #"kinds.v3.Choice has no field "somethingElse"; its fields: name, number, text, inner, color, after"#)
    }

    @Test func aRequestNestedTooDeepIsRefusedNotOverflowed() {
        // As a YAML request could come, with no parser's cap: object L written on line L + 1.
        var value = ProtoJSONValue.object([], SourceLocation(line: 1, column: 1))
        for level in 1...10_000 {
            value = .object(
                [("child", SourceLocation(line: level + 1, column: 2), value)], SourceLocation(line: level + 1, column: 1))
        }
        let error = #expect(throws: ProtoEncodeError.self) { try Proto3EncodingTests.schema.encode(value, as: "kinds.v3.Nested") }
        #expect(error?.message == "the request is nested deeper than 100 levels")
        // The top is level 10,000 (depth 1); depth 101 is level 9,900, on line 9,901.
        #expect(error?.location == SourceLocation(line: 9_901, column: 1))
    }

    @Test func unknownMessageTypeIsNamed() {
        let error = #expect(throws: ProtoEncodeError.self) {
            try Proto3EncodingTests.schema.encode(try ProtoJSONText.parse("{}"), as: "kinds.v3.Nope")
        }
        #expect(error?.message == "no message type kinds.v3.Nope in the .proto")
    }
}
