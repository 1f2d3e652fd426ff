/// Lays a `Comparison` out as GitHub markdown: what `summary.md` holds.
enum MarkdownTable {
    /// A title, the heading line, one table (rows grouped by connections), the problems,
    /// the scaling lines, then the footnotes.
    ///
    /// One table rather than one per group: a blank line would end a markdown table, and a
    /// single table is what readers copy into issues and sort.
    static func render(_ comparison: Comparison) -> String {
        let columns = comparison.columns
        // The versions line its own paragraph: two adjacent lines would run together.
        var lines =
            ["# Barrage comparison", "", comparison.heading, ""]
            + (comparison.versions.map { [escape($0), ""] } ?? [])
        lines.append(row(columns.map(\.heading)))
        lines.append(row(columns.map { $0.alignment == .right ? "---:" : ":---" }))
        for group in comparison.sections.joined() {
            lines.append(row(columns.map { escape($0.value(group)) }))
        }
        if !comparison.problems.isEmpty {
            lines += [""] + comparison.problems.map { "- " + escape($0) }
        }
        // After the problems, with its title between: two lists apart only by a blank line
        // would render as one.
        if !comparison.scaling.isEmpty {
            lines += ["", escape(ScalingLines.title), ""] + comparison.scaling.map { "- " + escape($0) }
        }
        // A list of its own, after a paragraph: right after the connections list it would merge into it.
        if !comparison.replicaScaling.isEmpty {
            lines += ["", "Scaling with server replicas:", ""] + comparison.replicaScaling.map { "- " + escape($0) }
        }
        // A paragraph each: consecutive lines would run together into one.
        for footnote in comparison.footnotes {
            lines += ["", escape(footnote)]
        }
        if !comparison.sloMisses.isEmpty {
            lines += ["", escape(comparison.sloTitle), ""] + comparison.sloMisses.map { "- " + escape($0) }
        }
        // Aligned text reads best as it is: a fenced block keeps its columns.
        for block in [comparison.capacity, comparison.decision] where !block.isEmpty {
            lines += ["", "```"] + block + ["```"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One table row.
    static func row(_ values: [String]) -> String {
        "| " + values.joined(separator: " | ") + " |"
    }

    /// `text` with the characters that markdown would read as table or emphasis syntax escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "|*_`\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
