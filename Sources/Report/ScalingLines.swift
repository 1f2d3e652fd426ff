/// How each system's throughput, P99 and memory per connection change as connections grow:
/// the "scaling" section under the comparison.
enum ScalingLines {
    /// What the lines mean; shown above them.
    static let title = "scaling with connections (× against the previous count; - where no run was ok):"

    /// One line per system that ran at more than one connection count (there is nothing to
    /// scale over otherwise), in the order the systems first ran.
    ///
    /// `builtin: 100 → 1,000 conns; req/s 95,000 → 120,000 (×1.26); p99 1.20ms → 3.40ms`,
    /// then `; mem/conn …` when some count knows it. A count without an ok repeat reads "-",
    /// and no ratio is given next to it.
    static func lines(_ cells: [CellSummary]) -> [String] {
        let rows = CellGroup.groups(of: cells)
        // A series: one system in one scenario at one replica count, cpus value, tls and rate, over its connection counts.
        var series: [String] = []
        var members: [String: [CellGroup]] = [:]
        var names: [String: String] = [:]
        for row in rows {
            let key = "\(row.scenario ?? "") \(row.replicas) \(row.cpus ?? 0) \(row.tls) \(row.ratePerSecond ?? 0) \(row.system)"
            if members[key] == nil {
                series.append(key)
                var name = [row.scenario, row.system].compactMap { $0 }
                if row.replicas > 1 { name.append("replicas\(row.replicas)") }
                if let cpus = row.cpus { name.append("cpus" + SLOVerdict.trimmed(cpus, decimals: 3)) }
                if row.tls { name.append("tls") }
                if let rate = row.ratePerSecond { name.append(FigureFormat.decimal(rate, decimals: 0) + "/s") }
                names[key] = name.joined(separator: " ")
            }
            members[key, default: []].append(row)
        }
        // Systems in the order they first ran, as before there were series.
        var systems: [String] = []
        for cell in cells where !systems.contains(cell.system) { systems.append(cell.system) }
        let ordered = series.enumerated().sorted { lhs, rhs in
            let left = systems.firstIndex(of: members[lhs.element]![0].system) ?? 0
            let right = systems.firstIndex(of: members[rhs.element]![0].system) ?? 0
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        return ordered.compactMap { key in
            let own = members[key] ?? []
            return own.count > 1 ? line(names[key] ?? "", own) : nil
        }
    }

    /// The line of one system; `rows` are its rows by ascending connections.
    static func line(_ system: String, _ rows: [CellGroup]) -> String {
        // Only ok repeats count here: a failed one's zeros would read as a collapse.
        let ok = rows.map { $0.okCount > 0 ? $0 : nil }
        let rates = ok.map { $0?.spread(of: \.requestsPerSecond)?.median }
        var parts = [rows.map { FigureFormat.count($0.connections) }.joined(separator: " → ") + " conns"]
        parts.append(
            "req/s "
                + rates.indices.map { index in
                    let rate = rates[index].map { FigureFormat.decimal($0, decimals: 0) } ?? "-"
                    guard index > 0, let now = rates[index], let before = rates[index - 1], before > 0 else { return rate }
                    return rate + " (×" + FigureFormat.decimal(now / before, decimals: 2) + ")"
                }.joined(separator: " → "))
        parts.append(
            "p99 "
                + ok.map { row in
                    row?.latency(\.p99).map { FigureFormat.latency(microseconds: $0.median) } ?? "-"
                }.joined(separator: " → "))
        let memory = ok.map { $0?.spread(ofKnown: { $0.server?.memoryPerConnectionBytes })?.median }
        if memory.contains(where: { $0 != nil }) {
            parts.append("mem/conn " + memory.map { $0.map(FigureFormat.bytes) ?? "-" }.joined(separator: " → "))
        }
        return "\(system): " + parts.joined(separator: "; ")
    }
}
