/// The capacity table under the comparison: per capacity search, the highest rate that met the
/// SLO, per core, the p99 and memory of the run at that rate.
enum CapacityTable {
    static let title = "capacity (highest open-loop rate meeting the SLO; p99 and memory of the confirm run at that rate):"

    /// Aligned lines, a blank line between scenarios; empty without a capacity entry.
    static func lines(_ summary: RunSummary) -> [String] {
        guard !summary.capacity.isEmpty else { return [] }
        let cells = Dictionary(summary.cells.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var headings = ["scenario", "system", "conns", "cpus", "capacity/s", "per core/s", "p99", "srv RSS sust", ""]
        var rows: [[String]] = []
        var scenarioOfRow: [String?] = []
        for entry in summary.capacity {
            let cell = cells[entry.cell]
            let usable = entry.ratePerSecond > 0 && cell?.status == .ok
            var mark = entry.confirmed ? "" : "unconfirmed"
            var p99 = usable && (cell?.requests ?? 0) > 0 ? FigureFormat.latency(microseconds: cell?.latency.p99 ?? 0) : "-"
            var rss = usable ? (cell?.server).map { FigureFormat.bytes($0.rssSustainedBytes) } ?? "-" : "-"
            if entry.limitedByGenerator {
                // The cell's files hold the void trial that stopped the search, not the rate in
                // this row: its p99 is the highest valid trial's that met the SLO, and no run
                // at that rate measured the memory.
                mark = "lower bound"
                p99 = entry.boundTrial.map { FigureFormat.latency(microseconds: $0.p99Microseconds) } ?? "-"
                rss = "-"
            }
            rows.append([
                entry.scenario ?? "-", entry.system, FigureFormat.count(entry.connections),
                entry.cpus.map { SLOVerdict.trimmed($0, decimals: 3) } ?? "-",
                FigureFormat.decimal(entry.ratePerSecond, decimals: 0),
                entry.perCoreRatePerSecond.map { FigureFormat.decimal($0, decimals: 0) } ?? "-",
                p99, rss, mark
            ])
            scenarioOfRow.append(entry.scenario)
        }
        // A topology without scenarios has nothing to say in the first column.
        if summary.capacity.allSatisfy({ $0.scenario == nil }) {
            headings.removeFirst()
            rows = rows.map { Array($0.dropFirst()) }
        }
        let offset = headings.count == 9 ? 0 : 1
        var widths = headings.map(\.count)
        for row in rows { for (index, value) in row.enumerated() { widths[index] = max(widths[index], value.count) } }
        let left: Set<Int> = Set([0, 1, 8].map { $0 - offset }.filter { $0 >= 0 }).union(offset == 1 ? [0] : [])
        func line(_ values: [String]) -> String {
            TextTable.trimmingTrailingSpaces(
                values.enumerated().map { index, value in
                    TextTable.pad(value, to: widths[index], left.contains(index) ? .left : .right)
                }.joined(separator: TextTable.gap))
        }
        var lines = [
            title, line(headings),
            line(widths.enumerated().map { String(repeating: $0.offset == headings.count - 1 ? " " : "-", count: $0.element) })
        ]
        for (index, row) in rows.enumerated() {
            if index > 0, scenarioOfRow[index] != scenarioOfRow[index - 1] { lines.append("") }
            lines.append(line(row))
        }
        let notes = summary.capacity.compactMap { entry in entry.note.map { "\(label(entry)): \($0)" } }
        return lines + notes
    }

    /// "capacity grpc-go cpus1 c1000".
    static func label(_ entry: CapacityEntry) -> String {
        var parts = [entry.scenario ?? "capacity", entry.system]
        if let cpus = entry.cpus { parts.append("cpus" + SLOVerdict.trimmed(cpus, decimals: 3)) }
        parts.append("c\(entry.connections)")
        return parts.joined(separator: " ")
    }
}
