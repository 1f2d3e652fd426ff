/// Lays a `Comparison` out as aligned plain text for a terminal.
enum TextTable {
    /// Space between columns.
    static let gap = "  "

    /// The heading line, the table (a blank line between connection groups), the problems,
    /// the scaling lines (connections, then replicas), then the footnotes.
    static func render(_ comparison: Comparison) -> String {
        let columns = comparison.columns
        let rows = comparison.sections.map { section in section.map { row in columns.map { $0.value(row) } } }
        // Characters, not bytes: "µ" takes one column on a terminal.
        var widths = columns.map(\.heading.count)
        for row in rows.joined() {
            for (index, value) in row.enumerated() { widths[index] = max(widths[index], value.count) }
        }
        func line(_ values: [String]) -> String {
            trimmingTrailingSpaces(
                zip(columns, zip(values, widths)).map { column, entry in
                    pad(entry.0, to: entry.1, column.alignment)
                }.joined(separator: gap))
        }

        var lines = [comparison.heading] + (comparison.versions.map { [$0] } ?? []) + [""]
        lines.append(line(columns.map(\.heading)))
        // No rule under a column without a heading (the marks): it would look like a value.
        lines.append(
            line(
                zip(columns, widths).map { column, width in
                    String(repeating: column.heading.isEmpty ? " " : "-", count: width)
                }))
        for (index, group) in rows.enumerated() {
            if index > 0 { lines.append("") }
            lines += group.map(line)
        }
        // Problems, scaling, footnotes: the order markdown needs (see `MarkdownTable`), kept here
        // so both read alike. Without scaling, problems and footnotes stay one block.
        let blocks =
            comparison.scaling.isEmpty && comparison.replicaScaling.isEmpty
            ? [comparison.problems + comparison.footnotes]
            : [
                comparison.problems, comparison.scaling.isEmpty ? [] : [ScalingLines.title] + comparison.scaling,
                comparison.replicaScaling, comparison.footnotes
            ]
        for block in blocks where !block.isEmpty { lines += [""] + block }
        if !comparison.sloMisses.isEmpty { lines += ["", comparison.sloTitle] + comparison.sloMisses.map { "  " + $0 } }
        for block in [comparison.capacity, comparison.decision] where !block.isEmpty { lines += [""] + block }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` padded with spaces to `width`, on the side `alignment` leaves free.
    static func pad(_ text: String, to width: Int, _ alignment: ComparisonColumn.Alignment) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        switch alignment {
        case .left: return text + padding
        case .right: return padding + text
        }
    }

    /// Without the spaces a left-aligned last column leaves at the end of a line.
    static func trimmingTrailingSpaces(_ text: String) -> String {
        var text = text
        while text.last == " " { text.removeLast() }
        return text
    }
}
