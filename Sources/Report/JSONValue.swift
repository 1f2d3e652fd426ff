/// Any JSON value, decoded without a schema: how the CSV and the cell keys read a cell's
/// fields, so fields added to `summary.json` later show up without code here changing.
indirect enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer, signed or not: counts and bytes must not lose digits through `Double`.
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Bool first: the decoder does not read a JSON number as a Bool, nor `true` as a number.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as one CSV or table field: numbers as JSON writes them, `null` as empty,
    /// arrays of plain values joined with "; "; nil for what has no flat form (objects,
    /// arrays of objects, and empty arrays, which may be either).
    var flatText: String? {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .unsigned(let value): return String(value)
        case .number(let value): return value.isFinite ? String(value) : ""
        case .string(let value): return value
        case .array(let values):
            guard !values.isEmpty else { return nil }
            let texts = values.map { value -> String? in
                if case .array = value { return nil }
                if case .object = value { return nil }
                return value.flatText
            }
            guard !texts.contains(where: { $0 == nil }) else { return nil }
            return texts.compactMap { $0 }.joined(separator: "; ")
        case .object: return nil
        }
    }

    /// The value as a number, if it is one.
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .unsigned(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}
