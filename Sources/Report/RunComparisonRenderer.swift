import Foundation
import Metrics

/// Lays a `RunComparison` out in each format of `barrage compare --format`.
public enum RunComparisonRenderer {
    /// The comparison in `format`, ending in a newline. `histograms` holds, per run (in run
    /// order), each cell's merged histogram by cell id, for the HTML spectra.
    public static func render(
        _ comparison: RunComparison, format: ReportFormat,
        histograms: [[String: LatencyHistogram]] = []
    ) -> String {
        switch format {
        case .table: text(comparison, markdown: false)
        case .markdown: text(comparison, markdown: true)
        case .json: json(comparison)
        case .csv: csv(comparison).render()
        case .html: RunComparisonPage.render(comparison, histograms: histograms)
        }
    }

    /// One line per run: "A: DIR (topology grpc-local, started …, status ok, 6 cells)".
    static func runLines(_ comparison: RunComparison) -> [String] {
        comparison.runs.map { run in
            "\(run.label): \(run.directory) (topology \(run.summary.topology), started "
                + "\(run.summary.started.isEmpty ? "unknown" : run.summary.started), status \(run.summary.status.rawValue),"
                + " \(run.summary.cells.count) cells)"
        }
    }

    /// Per figure: the heading cells and one row of cells per key.
    static func blocks(_ comparison: RunComparison) -> [(figure: ComparedFigure, header: [String], rows: [[String]])] {
        let runs = comparison.runs
        let header = ["cell"] + runs.map(\.label) + runs.dropFirst().map { "\($0.label)/\(runs[0].label)" }
        return ComparedFigure.allCases.compactMap { figure in
            let rows = comparison.rows.filter { $0.figure == figure }
            guard !rows.isEmpty else { return nil }
            return (
                figure, header,
                rows.map { row in
                    [row.key.label] + row.samples.map { RunComparison.valueText($0, figure) }
                        + zip(row.ratios, row.tests).map { RunComparison.ratioText($0, $1) }
                }
            )
        }
    }

    /// The terminal table (aligned columns, a block per figure) or its markdown twin.
    static func text(_ comparison: RunComparison, markdown: Bool) -> String {
        var lines: [String] = markdown ? ["# Barrage compare", ""] : []
        lines += runLines(comparison).map { markdown ? "- " + MarkdownTable.escape($0) : $0 }
        for block in blocks(comparison) {
            lines.append("")
            if markdown {
                lines += ["## " + MarkdownTable.escape(block.figure.title), ""]
                lines.append(MarkdownTable.row(block.header))
                lines.append(MarkdownTable.row(block.header.indices.map { $0 == 0 ? ":---" : "---:" }))
                lines += block.rows.map { MarkdownTable.row($0.map(MarkdownTable.escape)) }
                continue
            }
            var widths = block.header.map(\.count)
            for row in block.rows { for (index, value) in row.enumerated() { widths[index] = max(widths[index], value.count) } }
            widths[0] = max(widths[0], block.figure.title.count)
            func line(_ values: [String]) -> String {
                TextTable.trimmingTrailingSpaces(
                    values.enumerated().map { index, value in
                        TextTable.pad(value, to: widths[index], index == 0 ? .left : .right)
                    }.joined(separator: TextTable.gap))
            }
            var heading = block.header
            heading[0] = block.figure.title
            lines.append(line(heading))
            lines.append(line(widths.map { String(repeating: "-", count: $0) }))
            lines += block.rows.map(line)
        }
        if comparison.rows.isEmpty { lines += ["", "no cell is in more than one run"] }
        if !comparison.unmatched.isEmpty {
            lines += ["", "in one run only:"]
            lines += comparison.unmatched.map { (markdown ? "- " : "") + "\($0.key.label): only in \($0.run)" }
        }
        for note in comparison.footnotes { lines += ["", markdown ? MarkdownTable.escape(note) : note] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per (run, cell key): the run, the key's dimensions, the ok repeats, then per
    /// figure the median, the ratio to run A and the U test's p (empty where there is none).
    static func csv(_ comparison: RunComparison) -> CSVTable {
        var keys: [CellKey] = []
        for row in comparison.rows where !keys.contains(row.key) { keys.append(row.key) }
        let dimensions = CellKey.dimensions.filter { dimension in keys.contains { $0.values[dimension] != nil } }
        let figures = ComparedFigure.allCases
        let header =
            ["run", "directory"] + dimensions + ["ok_repeats"]
            + figures.flatMap { [$0.rawValue, "\($0.rawValue)_ratio", "\($0.rawValue)_p"] }
        var rows: [[String]] = []
        for key in keys {
            let own = comparison.rows.filter { $0.key == key }
            for (index, run) in comparison.runs.enumerated() {
                guard own.contains(where: { $0.samples[index] != nil }) else { continue }
                var row = [run.label, run.directory] + dimensions.map { key.values[$0] ?? "" }
                let okRepeats = zip(comparison.keys[index], run.summary.cells)
                    .filter { $0.0 == key && $0.1.status == .ok }.count
                row.append(String(okRepeats))
                for figure in figures {
                    guard let entry = own.first(where: { $0.figure == figure }) else {
                        row += ["", "", ""]
                        continue
                    }
                    row.append(entry.medians[index].map { number($0) } ?? "")
                    row.append(index == 0 ? "" : entry.ratios[index - 1].map { number($0) } ?? "")
                    row.append(index == 0 ? "" : entry.tests[index - 1].map { number($0.p) } ?? "")
                }
                rows.append(row)
            }
        }
        return CSVTable(header: header, rows: rows)
    }

    /// A number as JSON writes it: integers without a point.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The comparison as JSON: the runs, each row with its samples, medians, ratios and tests, and the unmatched keys.
    static func json(_ comparison: RunComparison) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = ReportRenderer.nonConformingFloats
        let document = RunComparisonDocument(comparison)
        guard let data = try? encoder.encode(document) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
