import Foundation

/// What the table and markdown formats show, before layout: both read from this, so they
/// never disagree on content.
struct Comparison {
    /// Topology, start time, run status and version, in one line.
    let heading: String
    let columns: [ComparisonColumn]
    /// Cells grouped by connections, ascending; run order within a group.
    let groups: [[CellSummary]]
    /// One line per cell that did not end ok ("builtin c100 r1: why").
    let problems: [String]
    /// Explanations of the marks used, if any.
    let footnotes: [String]

    init(_ summary: RunSummary) {
        heading = "topology \(summary.topology), started \(summary.started), status \(summary.status.rawValue)"
            + " (barrage \(summary.barrage))"
        columns = ComparisonColumn.columns(for: summary.cells)
        // Dictionary(grouping:) keeps each group's cells in their original (run) order.
        groups = Dictionary(grouping: summary.cells, by: \.connections)
            .sorted { $0.key < $1.key }
            .map(\.value)
        problems = summary.cells
            .filter { $0.status != .ok || $0.error != nil }
            .map { cell in "\(cell.label): \(Self.oneLine(cell.error ?? cell.status.rawValue))" }
        footnotes = summary.cells.contains(where: \.clients.saturated) ? [ComparisonColumn.saturationFootnote] : []
    }

    /// `text` on one line, so a multi-line error cannot break the layout.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
