/// Renders user text inside messages: short, on one line, with control characters escaped,
/// so a 1 MiB scalar or an embedded newline cannot garble the diagnostic output.
enum Quote {
    static let maximumLength = 40

    /// `'text'`, shortened and escaped.
    static func quoted(_ text: String) -> String {
        "'" + fragment(text) + "'"
    }

    /// The text shortened and escaped, without quotes.
    static func fragment(_ text: String) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == maximumLength {
                result += "…"
                break
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value):
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }
}
