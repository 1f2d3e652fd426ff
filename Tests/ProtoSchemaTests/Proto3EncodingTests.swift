import Testing

@testable import ProtoSchema

/// Every field kind of protobuf's JSON mapping in a proto3 file (`protos/kinds3.proto`): the
/// bytes ProtoSchema writes equal python3-protobuf's `json_format.Parse` then
/// `SerializeToString(deterministic=True)` over the same descriptor set.
@Suite struct Proto3EncodingTests {
    static let cases: [EncodingCase] = [
        // Scalars: each type, given as a number and (ints) as a string, at its limits.
        .init(name: "int32 negative (a 10-byte varint)", type: "kinds.v3.Scalars", json: #"{"fInt32": -7}"#),
        .init(name: "int32 limits as strings", type: "kinds.v3.Repeated", json: #"{"rInt32": ["2147483647", "-2147483648", 0]}"#),
        .init(
            name: "int64 as string and as number", type: "kinds.v3.Repeated",
            json: #"{"rInt64": ["9223372036854775807", -9223372036854775808, "-1", 12]}"#),
        .init(name: "uint32 max", type: "kinds.v3.Scalars", json: #"{"fUint32": 4294967295}"#),
        .init(
            name: "uint64 max as string and number", type: "kinds.v3.Repeated",
            json: #"{"rUint64": ["18446744073709551615", 18446744073709551615]}"#),
        .init(name: "sint32 zigzag", type: "kinds.v3.Repeated", json: #"{"rSint32": [-1, 1, -2147483648, 2147483647]}"#),
        .init(
            name: "sint64 zigzag", type: "kinds.v3.Repeated",
            json: #"{"rSint64": ["-9223372036854775808", "9223372036854775807", -3]}"#),
        .init(
            name: "fixed32 and fixed64", type: "kinds.v3.Scalars",
            json: #"{"fFixed32": 4294967295, "fFixed64": "18446744073709551615"}"#),
        .init(
            name: "sfixed32 and sfixed64 negative", type: "kinds.v3.Scalars",
            json: #"{"fSfixed32": -2, "fSfixed64": "-9223372036854775808"}"#),
        .init(
            name: "integers written with a fraction of zero or an exponent", type: "kinds.v3.Scalars",
            json: #"{"fInt32": 1.0, "fInt64": 2e3, "fUint32": 1.5e1}"#),
        .init(name: "float and double", type: "kinds.v3.Scalars", json: #"{"fFloat": 1.1, "fDouble": -2.5e-300}"#),
        .init(name: "float and double as strings", type: "kinds.v3.Scalars", json: #"{"fFloat": "3.25", "fDouble": "1e10"}"#),
        .init(
            name: "NaN and infinities", type: "kinds.v3.Repeated",
            json: #"{"rFloat": ["NaN", "Infinity", "-Infinity"], "rDouble": ["NaN", "Infinity", "-Infinity"]}"#),
        .init(
            name: "float max and negative zero", type: "kinds.v3.Scalars",
            json: #"{"fFloat": 3.4028234663852886e38, "fDouble": -0.0}"#),
        .init(name: "bool", type: "kinds.v3.Repeated", json: #"{"rBool": [true, false, true]}"#),
        .init(
            name: "string with escapes and non-ASCII", type: "kinds.v3.Scalars",
            json: #"{"fString": "a\"b\\c\n\u00e9\ud83d\ude00 zürich"}"#),
        .init(name: "bytes standard base64 with padding", type: "kinds.v3.Scalars", json: #"{"fBytes": "+/8AAQ=="}"#),
        .init(
            name: "bytes URL-safe base64 without padding", type: "kinds.v3.Repeated",
            json: #"{"rBytes": ["-_8AAQ", "aGk", "", "AAAA"]}"#),
        .init(name: "enum by name and by number", type: "kinds.v3.Repeated", json: #"{"rEnum": ["RED", 2, "NEGATIVE", 0]}"#),
        .init(name: "open enum takes an unknown number", type: "kinds.v3.Scalars", json: #"{"fEnum": 42}"#),
        .init(
            name: "defaults are left out", type: "kinds.v3.Scalars",
            json: #"{"fInt32": 0, "fString": "", "fBool": false, "fEnum": "COLOR_UNSPECIFIED", "fBytes": "", "fDouble": 0}"#),
        .init(
            name: "proto3 optional writes a set default", type: "kinds.v3.Scalars",
            json: #"{"optInt32": 0, "optString": "", "optEnum": "COLOR_UNSPECIFIED"}"#),
        .init(name: "original proto names", type: "kinds.v3.Scalars", json: #"{"f_int32": 5, "f_string": "x", "opt_int32": 1}"#),
        .init(name: "json_name option", type: "kinds.v3.Scalars", json: #"{"customName": "custom"}"#),
        .init(name: "proto name of a json_name field", type: "kinds.v3.Scalars", json: #"{"renamed": "by proto name"}"#),
        .init(
            name: "null means absent", type: "kinds.v3.Scalars", json: #"{"fInt32": null, "optInt32": null, "fString": "kept"}"#),
        .init(
            name: "fields out of number order", type: "kinds.v3.Scalars",
            json: #"{"fBool": true, "fInt32": 1, "customName": "z", "fString": "s", "fInt64": 3}"#),
        .init(
            name: "every scalar at once", type: "kinds.v3.Scalars",
            json:
                #"{"fInt32": 1, "fInt64": "2", "fUint32": 3, "fUint64": "4", "fSint32": -5, "fSint64": "-6", "fFixed32": 7, "fFixed64": "8", "fSfixed32": -9, "fSfixed64": "-10", "fFloat": 11.5, "fDouble": 12.25, "fBool": true, "fString": "fourteen", "fBytes": "MTU=", "fEnum": "GREEN", "optInt32": 17, "optString": "18", "optEnum": 1, "customName": "20"}"#
        ),
        // Repeated: packed scalars (proto3's default), [packed = false], messages, empty lists.
        .init(
            name: "every repeated scalar packed", type: "kinds.v3.Repeated",
            json:
                #"{"rInt32": [1, -1], "rInt64": ["1", "-1"], "rUint32": [1, 4294967295], "rUint64": ["1"], "rSint32": [1], "rSint64": ["-1"], "rFixed32": [1, 2], "rFixed64": ["3"], "rSfixed32": [-1], "rSfixed64": ["-2"], "rFloat": [0.5], "rDouble": [0.25], "rBool": [false], "rString": ["a", ""], "rBytes": ["YQ=="], "rEnum": ["GREEN"]}"#
        ),
        .init(name: "repeated unpacked", type: "kinds.v3.Repeated", json: #"{"rUnpacked": [1, 0, -1, 300]}"#),
        .init(
            name: "repeated zeros are kept", type: "kinds.v3.Repeated",
            json: #"{"rInt32": [0, 0], "rString": ["", ""], "rMessage": [{}, {}]}"#),
        .init(
            name: "empty lists write nothing", type: "kinds.v3.Repeated",
            json: #"{"rInt32": [], "rString": [], "rMessage": [], "rUnpacked": []}"#),
        .init(
            name: "repeated messages", type: "kinds.v3.Repeated",
            json: #"{"rMessage": [{"note": "a"}, {"inner": {"label": "b", "amount": "-4"}}]}"#),
        // Nested messages.
        .init(name: "nested message", type: "kinds.v3.Nested", json: #"{"inner": {"label": "x", "amount": 12}, "note": "n"}"#),
        .init(name: "empty nested message is written", type: "kinds.v3.Nested", json: #"{"inner": {}}"#),
        .init(
            name: "deeply nested and recursive", type: "kinds.v3.Nested",
            json: #"{"child": {"child": {"child": {"note": "deep", "inners": [{"label": "i"}]}}}}"#),
        // Maps: every key type, keys sorted as protobuf's deterministic serializer does.
        .init(
            name: "map string keys sorted by bytes", type: "kinds.v3.Maps",
            json: #"{"stringString": {"b": "2", "a": "1", "B": "3", "é": "4", "": "empty"}}"#),
        .init(
            name: "map int32 keys incl. negative and zero values", type: "kinds.v3.Maps",
            json: #"{"int32Int32": {"10": 1, "-1": 0, "2": -5}}"#),
        .init(
            name: "map int64 keys", type: "kinds.v3.Maps",
            json: #"{"int64String": {"-9223372036854775808": "min", "9223372036854775807": "max"}}"#),
        .init(
            name: "map uint32 keys, bytes values", type: "kinds.v3.Maps",
            json: #"{"uint32Bytes": {"4294967295": "AQI=", "0": ""}}"#),
        .init(
            name: "map uint64 keys, double values", type: "kinds.v3.Maps",
            json: #"{"uint64Double": {"18446744073709551615": 1.5, "1": "NaN"}}"#),
        .init(name: "map sint32 keys, enum values", type: "kinds.v3.Maps", json: #"{"sint32Enum": {"-2": "RED", "3": 2}}"#),
        .init(name: "map sint64 keys, bool values", type: "kinds.v3.Maps", json: #"{"sint64Bool": {"-5": true, "5": false}}"#),
        .init(name: "map fixed32 keys, float values", type: "kinds.v3.Maps", json: #"{"fixed32Float": {"7": 0.5}}"#),
        .init(name: "map fixed64 keys, int64 values", type: "kinds.v3.Maps", json: #"{"fixed64Int64": {"8": "-8"}}"#),
        .init(name: "map sfixed32 keys, uint64 values", type: "kinds.v3.Maps", json: #"{"sfixed32Uint64": {"-9": "9", "9": 0}}"#),
        .init(name: "map sfixed64 keys, sint64 values", type: "kinds.v3.Maps", json: #"{"sfixed64Sint64": {"-10": "-10"}}"#),
        .init(name: "map bool keys", type: "kinds.v3.Maps", json: #"{"boolString": {"true": "yes", "false": "no"}}"#),
        .init(
            name: "map message values", type: "kinds.v3.Maps",
            json: #"{"stringMessage": {"z": {"label": "last"}, "a": {}, "m": {"amount": "7"}}}"#),
        .init(name: "map by proto name", type: "kinds.v3.Maps", json: #"{"string_string": {"k": "v"}}"#),
        // oneof: each member, a default value in a oneof is written, null members do not count.
        .init(name: "oneof scalar member", type: "kinds.v3.Choice", json: #"{"name": "n", "number": 5, "after": 1}"#),
        .init(name: "oneof default value is written", type: "kinds.v3.Choice", json: #"{"number": 0}"#),
        .init(name: "oneof empty string is written", type: "kinds.v3.Choice", json: #"{"text": ""}"#),
        .init(name: "oneof message member", type: "kinds.v3.Choice", json: #"{"inner": {"label": "l"}}"#),
        .init(name: "oneof enum member by name", type: "kinds.v3.Choice", json: #"{"color": "COLOR_UNSPECIFIED"}"#),
        .init(name: "oneof with a null member beside a set one", type: "kinds.v3.Choice", json: #"{"text": null, "number": 3}"#),
        // Well-known types.
        .init(name: "Timestamp UTC with nanos", type: "kinds.v3.WellKnown", json: #"{"at": "2024-05-01T12:34:56.123456789Z"}"#),
        .init(
            name: "Timestamp with offset and millis", type: "kinds.v3.WellKnown", json: #"{"at": "1999-12-31T23:59:59.5+01:30"}"#),
        .init(
            name: "Timestamp before 1970 and negative offset", type: "kinds.v3.WellKnown",
            json: #"{"at": "1969-07-20T20:17:40-05:00"}"#),
        .init(
            name: "Timestamp limits", type: "kinds.v3.WellKnown",
            json:
                #"{"times": ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "2000-02-29T00:00:00Z"]}"#
        ),
        .init(name: "Duration", type: "kinds.v3.WellKnown", json: #"{"took": "1.5s"}"#),
        .init(name: "Duration negative below a second", type: "kinds.v3.WellKnown", json: #"{"took": "-0.000000001s"}"#),
        .init(name: "Duration whole and long", type: "kinds.v3.WellKnown", json: #"{"took": "-315576000000s"}"#),
        .init(name: "Duration zero", type: "kinds.v3.WellKnown", json: #"{"took": "0s"}"#),
        .init(
            name: "wrappers with plain values", type: "kinds.v3.WellKnown",
            json:
                #"{"wDouble": 1.5, "wFloat": "Infinity", "wInt64": "-9", "wUint64": "18446744073709551615", "wInt32": -3, "wUint32": 4, "wBool": true, "wString": "s", "wBytes": "YWJj"}"#
        ),
        .init(
            name: "wrappers holding defaults are still written", type: "kinds.v3.WellKnown",
            json: #"{"wDouble": 0, "wInt64": "0", "wBool": false, "wString": "", "wBytes": ""}"#),
        .init(name: "wrapper null is absent", type: "kinds.v3.WellKnown", json: #"{"wInt32": null, "wString": "x"}"#),
        .init(
            name: "FieldMask camelCase paths to snake_case", type: "kinds.v3.WellKnown",
            json: #"{"mask": "fooBar.bazQux,a,userId"}"#),
        .init(name: "FieldMask empty", type: "kinds.v3.WellKnown", json: #"{"mask": ""}"#),
        .init(
            name: "Struct of every JSON kind", type: "kinds.v3.WellKnown",
            json:
                #"{"details": {"s": "x", "n": 1.5, "b": true, "z": null, "o": {"k": [1, "two", false, null, {}]}, "l": [], "i": -3}}"#
        ),
        .init(name: "Value number", type: "kinds.v3.WellKnown", json: #"{"anything": 12}"#),
        .init(name: "Value string", type: "kinds.v3.WellKnown", json: #"{"anything": "NaN"}"#),
        .init(name: "Value null is a value", type: "kinds.v3.WellKnown", json: #"{"anything": null}"#),
        .init(name: "Value object and list", type: "kinds.v3.WellKnown", json: #"{"anything": {"a": [1, {"b": false}]}}"#),
        .init(name: "ListValue", type: "kinds.v3.WellKnown", json: #"{"list": [1, "a", null, true, [], {"x": 0}]}"#),
        .init(name: "Empty", type: "kinds.v3.WellKnown", json: #"{"nothing": {}}"#),
        .init(name: "NullValue field", type: "kinds.v3.WellKnown", json: #"{"nullValue": null}"#),
        .init(name: "NullValue field by name", type: "kinds.v3.WellKnown", json: #"{"nullValue": "NULL_VALUE"}"#),
        .init(
            name: "Any of a message", type: "kinds.v3.WellKnown",
            json: #"{"packed": {"@type": "type.googleapis.com/kinds.v3.Nested", "note": "inside", "inner": {"amount": "3"}}}"#),
        .init(
            name: "Any of a well-known type", type: "kinds.v3.WellKnown",
            json: #"{"packed": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}}"#),
        .init(
            name: "every well-known type at once", type: "kinds.v3.WellKnown",
            json:
                #"{"at": "2024-01-02T03:04:05Z", "took": "3s", "wInt32": 1, "mask": "a", "details": {"k": "v"}, "anything": true, "list": [], "nothing": {}, "times": ["2024-01-02T03:04:05.6Z"]}"#
        ),
        // A request whose message type is itself well-known.
        .init(name: "top-level Timestamp", type: "google.protobuf.Timestamp", json: #""2030-06-15T00:00:00.25Z""#),
        .init(name: "top-level Struct", type: "google.protobuf.Struct", json: #"{"a": 1}"#),
        .init(name: "top-level Empty", type: "google.protobuf.Empty", json: "{}")
    ]

    static let expected: [String: Result<String, ProtobufOracle.OracleFailure>] = {
        try! ProtobufOracle.expected(cases, descriptorSet: descriptorSet)
    }()

    static let descriptorSet: [UInt8] = try! ProtobufOracle.compile("kinds3.proto")
    static let schema: ProtoSchema = try! ProtoSchema(descriptorSet: descriptorSet)

    @Test(arguments: cases) func bytesEqualProtobufs(_ testCase: EncodingCase) throws {
        let expected = try #require(Self.expected[testCase.name]).get()
        let value = try ProtoJSONText.parse(testCase.json)
        let bytes = try Self.schema.encode(value, as: testCase.type)
        #expect(ProtobufOracle.hex(bytes) == expected, "\(testCase.json)")
    }
}
