/// Numbers in requests, read exactly from their text: a 64-bit integer never passes through a
/// `Double`, and `1e3` is the integer 1000 as protobuf's JSON mapping allows.
enum NumberLiteral {
    /// An integer's sign and magnitude, or why the text is not one.
    enum Integer: Equatable {
        case value(negative: Bool, magnitude: UInt64)
        case notAnInteger
        /// Integral, but beyond 64 bits.
        case tooLarge(negative: Bool)
    }

    /// Whether `text` is a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ text: Substring) -> Bool {
        var rest = text.utf8[...]
        func digits() -> Int {
            let count = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            rest = rest.dropFirst(count)
            return count
        }
        if rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        if rest.first == UInt8(ascii: "0") {
            rest = rest.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            if digits() == 0 { return false }
        }
        if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
            if digits() == 0 { return false }
        }
        return rest.isEmpty
    }

    /// The integer a JSON number's text denotes, when it is one (`12`, `-3`, `1.0`, `2e3`).
    static func integer(_ text: String) -> Integer {
        let text = Substring(text)
        guard isJSONNumber(text) else { return .notAnInteger }
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : text
        let mantissaEnd = unsigned.firstIndex { $0 == "e" || $0 == "E" } ?? unsigned.endIndex
        let exponent =
            mantissaEnd == unsigned.endIndex ? 0 : Int(unsigned[unsigned.index(after: mantissaEnd)...].drop { $0 == "+" })
        guard let exponent else { return .tooLarge(negative: negative) }  // an exponent beyond Int
        let mantissa = unsigned[..<mantissaEnd]
        let point = mantissa.firstIndex(of: ".")
        var digits = Array(mantissa.filter { $0 != "." }.utf8.map { Int($0 - UInt8(ascii: "0")) })
        // The value is digits × 10^scale.
        var scale = exponent - (point.map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0)
        while let first = digits.first, first == 0, digits.count > 1 { digits.removeFirst() }
        if digits == [0] { return .value(negative: negative, magnitude: 0) }
        while scale < 0, let last = digits.last, last == 0 {
            digits.removeLast()
            scale += 1
        }
        guard scale >= 0 else { return .notAnInteger }
        guard digits.count + scale <= 20 else { return .tooLarge(negative: negative) }
        digits += Array(repeating: 0, count: scale)
        var magnitude: UInt64 = 0
        for digit in digits {
            let (shifted, overflowShift) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflowShift, !overflowAdd else { return .tooLarge(negative: negative) }
            magnitude = sum
        }
        return .value(negative: negative, magnitude: magnitude)
    }
}
