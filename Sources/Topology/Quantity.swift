/// Reads integers, sizes, durations and decimals from scalar text, without trapping on overflow.
enum Quantity {
    /// Decimal integer with optional sign and `_` digit separators (as YAML 1.1 allows).
    static func integer(_ text: String) -> QuantityParse<Int> {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let magnitude = digitValue(digits) else { return .invalid("a whole number") }
        guard let value = magnitude else { return .tooLarge }
        return .value(negative ? -value : value)
    }

    /// `64B`, `64 B`, `4KiB`, `512MiB`, `1GiB` or a plain byte count.
    static func size(_ text: String) -> QuantityParse<UInt64> {
        let hint = "a whole number of B, KiB, MiB or GiB (e.g. 64B, 512MiB)"
        let (number, unit) = splitNumber(text)
        let multipliers: [String: UInt64] = ["": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30]
        guard let multiplier = multipliers[unit] else {
            return .invalid(
                number.isEmpty || unit.first?.isLetter != true
                    ? hint
                    : "a size in B, KiB, MiB or GiB (unknown unit \(Quote.quoted(unit)))")
        }
        guard let magnitude = digitValue(number) else { return .invalid(hint) }
        guard let count = magnitude,
            case let (bytes, overflow) = UInt64(count).multipliedReportingOverflow(by: multiplier), !overflow
        else { return .tooLarge }
        return .value(bytes)
    }

    /// `500ms`, `2s`, `1m`, in milliseconds. A unit is required: a bare `10` is ambiguous.
    static func durationMilliseconds(_ text: String) -> QuantityParse<Int> {
        let hint = "a whole number of ms, s or m (e.g. 500ms, 2s, 1m)"
        let (number, unit) = splitNumber(text)
        let multipliers = ["ms": 1, "s": 1_000, "m": 60_000]
        guard let multiplier = multipliers[unit], let magnitude = digitValue(number) else { return .invalid(hint) }
        guard let count = magnitude,
            case let (milliseconds, overflow) = count.multipliedReportingOverflow(by: multiplier), !overflow
        else { return .tooLarge }
        return .value(milliseconds)
    }

    /// A non-negative decimal such as `1`, `0.5` or `20_000` (no exponent, no inf/nan: those are
    /// never what someone means by a CPU count or a rate).
    static func decimal(_ text: String) -> QuantityParse<Double> {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, digitValue(whole) != nil,
            parts.count == 1 || digitValue(parts[1]) != nil
        else { return .invalid("a number") }
        let cleaned = text.filter { $0 != "_" }
        guard let value = Double(cleaned), value.isFinite else { return .tooLarge }
        return .value(value)
    }

    /// Digits with single `_` separators: `nil` if malformed, `.some(nil)` if too large for `Int`.
    private static func digitValue(_ text: Substring) -> Int?? {
        guard let first = text.first, let last = text.last, first.isASCIIDigit, last.isASCIIDigit else {
            return nil
        }
        var value: Int? = 0
        for character in text {
            if character == "_" { continue }
            guard let digit = character.asciiDigitValue else { return nil }
            if let current = value {
                let (shifted, overflow1) = current.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(digit)
                value = overflow1 || overflow2 ? nil : sum
            }
        }
        return .some(value)
    }

    /// Splits `512 MiB` into (`512`, `MiB`); one optional space between number and unit.
    private static func splitNumber(_ text: String) -> (number: Substring, unit: String) {
        let number = text.prefix { $0.isASCIIDigit || $0 == "_" }
        var unit = text[number.endIndex...]
        if unit.first == " " { unit = unit.dropFirst() }
        return (number, String(unit))
    }
}

private extension Character {
    var isASCIIDigit: Bool { asciiDigitValue != nil }

    var asciiDigitValue: Int? {
        guard let ascii = asciiValue, ascii >= 0x30, ascii <= 0x39 else { return nil }
        return Int(ascii - 0x30)
    }
}
