/// The JSON forms of `google.protobuf.Timestamp` (RFC 3339) and `google.protobuf.Duration`
/// (`"1.5s"`), read into seconds and nanoseconds as protobuf defines them.
enum TimeText {
    /// Why a text is not a timestamp or a duration.
    struct Failure: Error {
        let message: String
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range Timestamp allows.
    static let earliestSecond: Int64 = -62_135_596_800
    static let latestSecond: Int64 = 253_402_300_799
    /// ±10,000 years, the range Duration allows.
    static let longestDurationSeconds: Int64 = 315_576_000_000

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, at most 9 fraction digits.
    static func timestamp(_ text: String) throws(Failure) -> (seconds: Int64, nanos: Int32) {
        let bytes = Array(text.utf8)
        let shape = Failure(message: "\"\(text)\" is not an RFC 3339 timestamp like \"2024-05-01T12:00:00Z\"")
        guard bytes.count >= 20 else { throw shape }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = number(8, 2), bytes[10] == UInt8(ascii: "T"), let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = number(14, 2), bytes[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { throw shape }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { throw Failure(message: "\"\(text)\" is not a valid date and time") }
        var index = 19
        var nanos = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            let count = index - fractionStart
            guard count >= 1, count <= 9, let fraction = number(fractionStart, count) else {
                throw Failure(message: "\"\(text)\": the fraction of a second takes 1 to 9 digits")
            }
            nanos = fraction * power10(9 - count)
        }
        var offsetSeconds = 0
        guard index < bytes.count else { throw shape }
        switch bytes[index] {
        case UInt8(ascii: "Z"):
            guard index + 1 == bytes.count else { throw shape }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let offsetHours = number(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
            else { throw shape }
            offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60 * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            throw shape
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        guard seconds >= earliestSecond, seconds <= latestSecond else {
            throw Failure(message: "\"\(text)\" is outside 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z")
        }
        return (seconds, Int32(nanos))
    }

    /// `[-]SECONDS[.FRACTION]s`; nanos carry the seconds' sign, as Duration requires.
    static func duration(_ text: String) throws(Failure) -> (seconds: Int64, nanos: Int32) {
        let shape = Failure(message: "\"\(text)\" is not a duration like \"1.5s\" (seconds, at most 9 fraction digits, then 's')")
        guard text.hasSuffix("s") else { throw shape }
        var body = text.dropLast()
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw shape }
        var nanos = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(fraction)
            else { throw shape }
            nanos = value * power10(9 - fraction.count)
        }
        guard whole.count <= 12, let seconds = Int64(whole), seconds <= longestDurationSeconds else {
            throw Failure(message: "\"\(text)\" is longer than Duration's ±315576000000s")
        }
        return negative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos))
    }

    private static func power10(_ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { result, _ in result * 10 }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
