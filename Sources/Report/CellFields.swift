import Foundation

/// A cell's `summary.json` fields flattened to one level: `latency_us.p99` → `latency_p99_us`,
/// `server.cpu_percent` → `server_cpu_percent`. The CSV's columns and the cell keys that
/// `compare` and the charts match on.
///
/// Read from the cell's own JSON encoding, so every field the schema gains (scenario, cpus,
/// rate, replicas, slo, …) appears without this code changing. Arrays of plain values are
/// joined with "; "; arrays of objects (the time series, per-host figures) have no flat
/// form and are left out, but for `servers`, whose replicas are few and fixed: replica N's
/// fields are `server_N_…` (`servers[1].cpu_percent` → `server_2_cpu_percent`).
public struct CellFields: Sendable, Equatable {
    /// Field name → its text, as a CSV field would hold it.
    public private(set) var texts: [String: String]
    /// Field name → its number, for the fields that are numbers.
    public private(set) var numbers: [String: Double]

    /// The fields of `cell`.
    public init(_ cell: CellSummary) {
        var texts: [String: String] = [:]
        var numbers: [String: Double] = [:]
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = ReportRenderer.nonConformingFloats
        if let data = try? encoder.encode(cell), let value = try? JSONDecoder().decode(JSONValue.self, from: data),
            case .object(let object) = value
        {
            Self.flatten(object, prefix: nil, unit: nil, into: &texts, &numbers)
        }
        self.texts = texts
        self.numbers = numbers
    }

    /// The cell's per-replica array, flattened by replica number.
    static let replicasKey = "servers"

    /// Unit suffixes that move from an object's name to the end of its fields' names.
    static let units = ["_us", "_bytes", "_s"]

    static func flatten(
        _ object: [String: JSONValue], prefix: String?, unit: String?,
        into texts: inout [String: String], _ numbers: inout [String: Double]
    ) {
        for (key, value) in object {
            var name = prefix.map { "\($0)_\(key)" } ?? key
            if case .object(let child) = value {
                var childPrefix = name
                var childUnit = unit
                if let suffix = units.first(where: { name.hasSuffix($0) }) {
                    childPrefix = String(name.dropLast(suffix.count))
                    childUnit = suffix
                }
                flatten(child, prefix: childPrefix, unit: childUnit, into: &texts, &numbers)
                continue
            }
            if prefix == nil, key == replicasKey, case .array(let replicas) = value {
                for (index, replica) in replicas.enumerated() {
                    guard case .object(let fields) = replica else { continue }
                    flatten(fields, prefix: "server_\(index + 1)", unit: nil, into: &texts, &numbers)
                }
                continue
            }
            if let unit, !name.hasSuffix(unit) { name += unit }
            guard let text = value.flatText else { continue }
            texts[name] = text
            if let number = value.number { numbers[name] = number }
        }
    }

    /// The leading columns, in this order when present: what names a cell, then how it ended.
    static let leading = [
        "id", "scenario", "system", "replicas", "cpus", "tls", "connections", "rate_per_second", "repeat",
        "status", "error"
    ]

    /// The union of `cells`' field names: `leading` first, then the rest alphabetically.
    static func columns(_ cells: [CellFields]) -> [String] {
        let all = Set(cells.flatMap(\.texts.keys))
        return leading.filter(all.contains) + all.subtracting(leading).sorted()
    }
}
