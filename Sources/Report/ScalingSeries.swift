/// The cells of one scaling curve set: every system's figures along one swept dimension,
/// with everything else held fixed (the same scenario, and the same values of the other
/// dimensions).
public struct ScalingSeries: Sendable {
    /// One system's points along the dimension.
    public struct Line: Sendable {
        /// The system the line is of.
        public var system: String
        /// (the dimension's value, the repeats there that ended ok), ascending by value.
        public var points: [(x: Double, cells: CellGroup)]
    }

    /// What the x axis sweeps.
    public var dimension: ScalingDimension
    /// What stays fixed along it (system left out): names the charts.
    public var fixed: CellKey
    /// One line per system, in the order systems first ran.
    public var lines: [Line]

    /// Every scaling curve set `cells` hold: for each dimension, each combination of the
    /// other dimensions under which some system ran at two or more values of it. Only ok
    /// repeats count (a failed one's zeros would read as a collapse); a value without one
    /// is no point.
    public static func all(_ cells: [CellSummary]) -> [ScalingSeries] {
        let keyed = cells.map { (key: CellKey($0), cell: $0) }
        var found: [ScalingSeries] = []
        for dimension in ScalingDimension.allCases {
            let held = keyed.filter { dimension.value(in: $0.key) != nil }
            var fixedOrder: [CellKey] = []
            var byFixed: [CellKey: [(key: CellKey, cell: CellSummary)]] = [:]
            for entry in held {
                let fixed = entry.key.without([dimension.field, "system"])
                if byFixed[fixed] == nil { fixedOrder.append(fixed) }
                byFixed[fixed, default: []].append(entry)
            }
            for fixed in fixedOrder {
                let entries = byFixed[fixed] ?? []
                var systems: [String] = []
                for entry in entries where !systems.contains(entry.key.system) { systems.append(entry.key.system) }
                let lines = systems.map { system -> Line in
                    let own = entries.filter { $0.key.system == system && $0.cell.status == .ok }
                    let values = Set(own.compactMap { dimension.value(in: $0.key) }).sorted()
                    let points = values.map { value in
                        let repeats = own.filter { dimension.value(in: $0.key) == value }.map(\.cell)
                        return (x: value, cells: CellGroup(system: system, connections: repeats[0].connections, cells: repeats))
                    }
                    return Line(system: system, points: points)
                }
                if lines.contains(where: { $0.points.count > 1 }) {
                    found.append(ScalingSeries(dimension: dimension, fixed: fixed, lines: lines))
                }
            }
        }
        return found
    }
}
