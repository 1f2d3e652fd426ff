/// What names a cell apart from its repeat: the values of its swept dimensions (scenario,
/// system, replicas, cpus, tls, connections, rate). Repeats of one key are folded together;
/// `compare` matches runs' cells by key.
public struct CellKey: Hashable, Sendable, Comparable {
    /// The fields that make a key, in the order a label names them. A dimension the cells
    /// gain is one more entry here.
    public static let dimensions = ["scenario", "system", "replicas", "cpus", "tls", "connections", "rate_per_second"]

    /// Dimension → its text in the cell, for the dimensions the cell carries (not null).
    public var values: [String: String]
    /// Dimension → its number, for the numeric ones.
    public var numbers: [String: Double]

    /// The key of a cell with these fields.
    public init(_ fields: CellFields) {
        var values: [String: String] = [:]
        var numbers: [String: Double] = [:]
        for dimension in Self.dimensions {
            guard let text = fields.texts[dimension], !text.isEmpty else { continue }
            // Plaintext is what every run without `tls` was: its cells match theirs.
            if dimension == "tls", text != "true" { continue }
            values[dimension] = text
            numbers[dimension] = fields.numbers[dimension]
        }
        self.values = values
        self.numbers = numbers
    }

    /// The key of `cell`.
    public init(_ cell: CellSummary) { self.init(CellFields(cell)) }

    /// Keys are equal when they name the same values; the numbers follow from them.
    public static func == (lhs: CellKey, rhs: CellKey) -> Bool { lhs.values == rhs.values }
    /// Hashes the values, as `==` compares them.
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }

    /// The system's name; "" for a cell without one.
    public var system: String { values["system"] ?? "" }

    /// This key without `dimensions`: what stays fixed along a curve over them.
    public func without(_ dimensions: Set<String>) -> CellKey {
        var key = self
        for dimension in dimensions {
            key.values[dimension] = nil
            key.numbers[dimension] = nil
        }
        return key
    }

    /// How messages and tables name the key: "unary-scaling builtin c100 cpus 1 rate 1000/s".
    public var label: String {
        Self.dimensions.compactMap { dimension -> String? in
            guard let value = values[dimension] else { return nil }
            switch dimension {
            case "scenario", "system": return value
            case "connections": return "c" + value
            case "tls": return "tls"
            case "rate_per_second": return "rate \(ChartLabels.number(numbers[dimension] ?? 0))/s"
            // One replica is every run's default: a label names only what sets a cell apart.
            case "replicas" where numbers[dimension] == 1: return nil
            default: return "\(dimension) \(value)"
            }
        }.joined(separator: " ")
    }

    /// How chart headings name the key: "unary-scaling, 100 connections, cpus 1"; "all cells" for an empty key.
    public var heading: String {
        let parts = Self.dimensions.compactMap { dimension -> String? in
            guard let value = values[dimension] else { return nil }
            switch dimension {
            case "scenario", "system": return value
            case "connections": return "\(ChartLabels.number(numbers[dimension] ?? 0)) connections"
            case "rate_per_second": return "\(ChartLabels.number(numbers[dimension] ?? 0)) req/s offered"
            case "tls": return "h2 over TLS"
            // One replica is every run's default: naming it only lengthens each chart title.
            case "replicas" where numbers[dimension] == 1: return nil
            default: return "\(dimension) \(value)"
            }
        }
        return parts.isEmpty ? "all cells" : parts.joined(separator: ", ")
    }

    /// Dimension by dimension, numbers by value, text alphabetically; a missing value first.
    public static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        for dimension in dimensions {
            let left = lhs.values[dimension], right = rhs.values[dimension]
            if left == right { continue }
            guard let left else { return true }
            guard let right else { return false }
            if let a = lhs.numbers[dimension], let b = rhs.numbers[dimension], a != b { return a < b }
            return left < right
        }
        return false
    }
}
