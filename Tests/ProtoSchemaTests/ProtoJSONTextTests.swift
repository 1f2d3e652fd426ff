import Testing

@testable import ProtoSchema

/// Strict JSON with the line and column of every key and value, and syntax errors at the
/// character that breaks the grammar.
@Suite struct ProtoJSONTextTests {
    @Test func everyKeyAndValueCarriesItsLineAndColumn() throws {
        let value = try ProtoJSONText.parse("{\n  \"a\": [1, true],\n\t\"bé\": {\"c\": null, \"d\": \"x\"}\n}")
        guard case .object(let members, let location) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(location == SourceLocation(line: 1, column: 1))
        #expect(members.map(\.key) == ["a", "bé"])
        #expect(members[0].keyLocation == SourceLocation(line: 2, column: 3))
        #expect(members[0].value.location == SourceLocation(line: 2, column: 8))
        guard case .array(let elements, _) = members[0].value else {
            Issue.record("not an array")
            return
        }
        #expect(elements.map(\.location) == [SourceLocation(line: 2, column: 9), SourceLocation(line: 2, column: 12)])
        // A tab is one column, a non-ASCII letter one.
        #expect(members[1].keyLocation == SourceLocation(line: 3, column: 2))
        guard case .object(let inner, _) = members[1].value else {
            Issue.record("not an object")
            return
        }
        #expect(inner[1].value.location == SourceLocation(line: 3, column: 25))
    }

    @Test func numbersKeepTheirText() throws {
        guard case .array(let elements, _) = try ProtoJSONText.parse("[-0, 12345678901234567890123, 1.50e-3, 0]") else {
            Issue.record("not an array")
            return
        }
        let texts = elements.compactMap { element -> String? in
            if case .number(let text, _) = element { return text }
            return nil
        }
        #expect(texts == ["-0", "12345678901234567890123", "1.50e-3", "0"])
    }

    @Test func escapesDecode() throws {
        guard case .string(let text, _) = try ProtoJSONText.parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#) else {
            Issue.record("not a string")
            return
        }
        #expect(text == "\"\\/\u{08}\u{0C}\n\r\t\u{e9}\u{1F600}")
    }

    /// Text, what the error says, and where.
    static let syntaxErrors: [(String, String, Int, Int)] = [
        ("", "expected a JSON value, found end of text", 1, 1),
        ("{\"a\": 1,}", "expected a member name in double quotes, found '}'", 1, 9),
        ("{\"a\" 1}", "expected ':' after the member name \"a\", found '1'", 1, 6),
        ("{\"a\": 1\n \"b\": 2}", "expected ',' or '}' after an object member, found '\"'", 2, 2),
        ("[1 2]", "expected ',' or ']' after an array element, found '2'", 1, 4),
        ("{'a': 1}", "expected a member name in double quotes, found '''", 1, 2),
        ("{\"a\": 01}", "a number must not start with 0", 1, 8),
        ("{\"a\": 1.}", "expected a digit after '.', found '}'", 1, 9),
        ("{\"a\": -}", "expected a digit, found '}'", 1, 8),
        ("{\"a\": tru}", "expected 'true'", 1, 7),
        ("{\"a\": \"x\ny\"}", "control character U+A in a string (escape it)", 1, 9),
        ("\"\\x\"", "invalid escape '\\x'", 1, 3),
        ("\"\\ud83d\"", "lone surrogate \\uD83D", 1, 3),
        ("\"abc", "unterminated string", 1, 5),
        ("{} {}", "unexpected '{' after the JSON value", 1, 4),
        ("NaN", "expected a JSON value, found 'N'", 1, 1)
    ]

    @Test(arguments: syntaxErrors) func syntaxErrorSaysWhatAndWhere(_ text: String, _ message: String, _ line: Int, _ column: Int)
    {
        let error = #expect(throws: ProtoJSONSyntaxError.self) { try ProtoJSONText.parse(text) }
        #expect(error?.message == message)
        #expect(error?.location == SourceLocation(line: line, column: column))
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = #expect(throws: ProtoJSONSyntaxError.self) { try ProtoJSONText.parse(text) }
        #expect(error?.message == "JSON nested deeper than 100 levels")
    }
}
