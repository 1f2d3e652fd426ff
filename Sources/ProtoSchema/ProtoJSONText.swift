/// Strict JSON (RFC 8259) to `ProtoJSONValue`, with the line and column of every key and value:
/// a request line from `request_file` or `--data`.
public enum ProtoJSONText {
    /// Deeper nesting is refused rather than risking the stack on hostile input.
    static let maximumDepth = 100

    /// The one JSON value in `text` (whitespace around it allowed, nothing else).
    /// - Throws: `ProtoJSONSyntaxError` at the first character that breaks the grammar.
    public static func parse(_ text: String) throws -> ProtoJSONValue {
        var parser = JSONTextParser(Array(text.unicodeScalars))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value") }
        return value
    }
}

/// The cursor over the text's Unicode scalars; lines and columns are counted as it moves.
private struct JSONTextParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var column = 1

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { index == scalars.count }
    var current: Unicode.Scalar? { atEnd ? nil : scalars[index] }
    var location: SourceLocation { SourceLocation(line: line, column: column) }

    func error(_ message: String) -> ProtoJSONSyntaxError { ProtoJSONSyntaxError(message: message, location: location) }

    func describeCurrent() -> String {
        guard let scalar = current else { return "end of text" }
        if scalar.value < 0x20 { return "control character U+\(String(scalar.value, radix: 16, uppercase: true))" }
        return "'\(Character(scalar))'"
    }

    mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { advance() }
    }

    mutating func value(depth: Int) throws -> ProtoJSONValue {
        guard depth < ProtoJSONText.maximumDepth else {
            throw error("JSON nested deeper than \(ProtoJSONText.maximumDepth) levels")
        }
        let start = location
        switch current {
        case "{": return try object(start: start, depth: depth)
        case "[": return try array(start: start, depth: depth)
        case "\"": return .string(try string(), start)
        case "t": try literal("true"); return .bool(true, start)
        case "f": try literal("false"); return .bool(false, start)
        case "n": try literal("null"); return .null(start)
        case let scalar? where scalar == "-" || ("0"..."9").contains(scalar): return .number(try number(), start)
        default: throw error("expected a JSON value, found \(describeCurrent())")
        }
    }

    mutating func object(start: SourceLocation, depth: Int) throws -> ProtoJSONValue {
        advance()
        var members: [(key: String, keyLocation: SourceLocation, value: ProtoJSONValue)] = []
        skipWhitespace()
        if current == "}" {
            advance()
            return .object(members, start)
        }
        while true {
            skipWhitespace()
            guard current == "\"" else { throw error("expected a member name in double quotes, found \(describeCurrent())") }
            let keyLocation = location
            let key = try string()
            skipWhitespace()
            guard current == ":" else { throw error("expected ':' after the member name \"\(key)\", found \(describeCurrent())") }
            advance()
            skipWhitespace()
            members.append((key, keyLocation, try value(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case ",": advance()
            case "}":
                advance()
                return .object(members, start)
            default: throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
            }
        }
    }

    mutating func array(start: SourceLocation, depth: Int) throws -> ProtoJSONValue {
        advance()
        var elements: [ProtoJSONValue] = []
        skipWhitespace()
        if current == "]" {
            advance()
            return .array(elements, start)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case ",": advance()
            case "]":
                advance()
                return .array(elements, start)
            default: throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
            }
        }
    }

    mutating func literal(_ word: String) throws {
        let start = location
        for expected in word.unicodeScalars {
            guard current == expected else {
                throw ProtoJSONSyntaxError(message: "expected '\(word)'", location: start)
            }
            advance()
        }
    }

    mutating func string() throws -> String {
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw error("unterminated string") }
            switch scalar {
            case "\"":
                advance()
                return String(text)
            case "\\":
                advance()
                text.append(try escape())
            case _ where scalar.value < 0x20:
                throw error("\(describeCurrent()) in a string (escape it)")
            default:
                text.append(scalar)
                advance()
            }
        }
    }

    mutating func escape() throws -> Unicode.Scalar {
        guard let scalar = current else { throw error("unterminated string") }
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "\"": "\"", "\\": "\\", "/": "/", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t"
        ]
        if let replaced = simple[scalar] {
            advance()
            return replaced
        }
        guard scalar == "u" else { throw error("invalid escape '\\\(Character(scalar))'") }
        let escapeStart = location
        advance()
        let unit = try hexUnit()
        switch unit {
        case 0xD800...0xDBFF:
            guard current == "\\" else {
                throw ProtoJSONSyntaxError(message: "lone surrogate \\u\(hex(unit))", location: escapeStart)
            }
            advance()
            guard current == "u" else {
                throw ProtoJSONSyntaxError(message: "lone surrogate \\u\(hex(unit))", location: escapeStart)
            }
            advance()
            let low = try hexUnit()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw ProtoJSONSyntaxError(message: "lone surrogate \\u\(hex(unit))", location: escapeStart)
            }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw ProtoJSONSyntaxError(message: "lone surrogate \\u\(hex(unit))", location: escapeStart)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    func hex(_ unit: UInt32) -> String { String(unit, radix: 16, uppercase: true) }

    mutating func hexUnit() throws -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = Character(scalar).hexDigitValue else {
                throw error("expected 4 hex digits after \\u, found \(describeCurrent())")
            }
            unit = unit << 4 | UInt32(digit)
            advance()
        }
        return unit
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    mutating func number() throws -> String {
        var text = ""
        func isDigit(_ scalar: Unicode.Scalar?) -> Bool { scalar.map { ("0"..."9").contains($0) } ?? false }
        if current == "-" {
            text.unicodeScalars.append("-")
            advance()
        }
        guard isDigit(current) else { throw error("expected a digit, found \(describeCurrent())") }
        if current == "0" {
            text.unicodeScalars.append("0")
            advance()
            if isDigit(current) { throw error("a number must not start with 0") }
        } else {
            while isDigit(current) {
                text.unicodeScalars.append(current!)
                advance()
            }
        }
        if current == "." {
            text.unicodeScalars.append(".")
            advance()
            guard isDigit(current) else { throw error("expected a digit after '.', found \(describeCurrent())") }
            while isDigit(current) {
                text.unicodeScalars.append(current!)
                advance()
            }
        }
        if current == "e" || current == "E" {
            text.unicodeScalars.append(current!)
            advance()
            if current == "+" || current == "-" {
                text.unicodeScalars.append(current!)
                advance()
            }
            guard isDigit(current) else { throw error("expected a digit in the exponent, found \(describeCurrent())") }
            while isDigit(current) {
                text.unicodeScalars.append(current!)
                advance()
            }
        }
        return text
    }
}
