import Foundation

/// What the table and markdown formats show, before layout: both read from this, so they
/// never disagree on content.
struct Comparison {
    /// Topology, start time, run status and version, in one line.
    let heading: String
    let columns: [ComparisonColumn]
    /// Rows (the repeats of one system at one count) grouped by connections, ascending;
    /// systems in the order they first ran within a group.
    let sections: [[CellGroup]]
    /// How each system scales with connections (see `ScalingLines`); empty when none ran at two counts.
    let scaling: [String]
    /// One line per cell that did not end ok ("builtin c100 r1: why").
    let problems: [String]
    /// Explanations of the marks and figures used, if any.
    let footnotes: [String]
    /// The cells that missed a gating SLO, one line each (`launch` exits 3 for them); empty when none did.
    let sloMisses: [String]
    /// What heads them: the exit code only when it is theirs (a failed cell's 1 wins).
    let sloTitle: String
    /// The capacity table's lines (aligned text), empty without a capacity search.
    let capacity: [String]
    /// The decision block's lines, empty when the run has nothing to decide on.
    let decision: [String]

    init(_ summary: RunSummary) {
        heading = "topology \(summary.topology), started \(summary.started), status \(summary.status.rawValue)"
            + " (barrage \(summary.barrage))"
        let rows = summary.groups
        columns = ComparisonColumn.columns(for: rows)
        // `rows` are already sorted: split them where the scenario, cpus, count or rate changes.
        func sameSection(_ lhs: CellGroup, _ rhs: CellGroup) -> Bool {
            lhs.scenario == rhs.scenario && lhs.cpus == rhs.cpus && lhs.connections == rhs.connections
                && lhs.ratePerSecond == rhs.ratePerSecond
        }
        sections = rows.reduce(into: [[CellGroup]]()) { sections, row in
            if let last = sections.last?.last, sameSection(last, row) {
                sections[sections.count - 1].append(row)
            } else {
                sections.append([row])
            }
        }
        scaling = ScalingLines.lines(summary.cells)
        problems = summary.cells
            .filter { $0.status != .ok || $0.error != nil }
            .map { cell in "\(cell.label): \(Self.oneLine(cell.error ?? cell.status.rawValue))" }
        var footnotes: [String] = []
        if rows.contains(where: { $0.cells.count > 1 }) { footnotes.append(Self.repeatsFootnote) }
        if rows.contains(where: \.saturated) { footnotes.append(ComparisonColumn.saturationFootnote) }
        if let late = Self.lateFootnote(summary.cells) { footnotes.append(late) }
        self.footnotes = footnotes
        sloMisses = summary.sloGateMisses.map { "\($0.label): " + $0.sloMisses.joined(separator: ", ") }
        sloTitle = summary.status == .ok ? "slo missed (exit 3):" : "slo missed:"
        capacity = CapacityTable.lines(summary)
        decision = DecisionBlock.lines(summary)
    }


    /// How rows with repeats read; see `Spread` and `ComparisonColumn.columns(for:)`.
    static let repeatsFootnote = "figures are the median of a row's ok repeats (the lower middle one for an even count);"
        + " req/s, p50, p99 and mem/conn add (min–max)"

    /// What the late mark means, with how many sends were late in which cells; nil when none was.
    static func lateFootnote(_ cells: [CellSummary]) -> String? {
        let late = cells.filter { $0.clients.lateSends > 0 }
        guard !late.isEmpty else { return nil }
        let total = late.map(\.clients.lateSends).reduce(0, +)
        let perCell = late.map { "\($0.label): \(FigureFormat.count($0.clients.lateSends))" }.joined(separator: "; ")
        return "\(ComparisonColumn.lateMark): the load generator fell behind the asked rate:"
            + " \(FigureFormat.count(total)) sends went out late (\(perCell)); latency still counts from the schedule"
    }

    /// `text` on one line, so a multi-line error cannot break the layout.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
