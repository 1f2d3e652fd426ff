import Metrics

/// `barrage compare --format html`: the runs, a table per figure with ratios, and the
/// report's charts with one line per run of each system — the system's colour, solid for
/// run A, each later run dashed its own way.
enum RunComparisonPage {
    static func render(_ comparison: RunComparison, histograms: [[String: LatencyHistogram]]) -> String {
        // Every run's cells in one list, each system named with its run: "builtin (B)".
        var cells: [CellSummary] = []
        var merged: [String: LatencyHistogram] = [:]
        var lines: [String: (system: String, run: Int)] = [:]
        for (index, run) in comparison.runs.enumerated() {
            for var cell in run.summary.cells {
                let name = "\(cell.system) (\(run.label))"
                lines[name] = (cell.system, index)
                let id = "\(run.label)/\(cell.id)"
                if index < histograms.count, let histogram = histograms[index][cell.id] { merged[id] = histogram }
                cell.id = id
                cell.system = name
                cells.append(cell)
            }
        }
        let systems = SystemPalette(comparison.runs.flatMap { $0.summary.cells.map(\.system) })
        let names = SystemPalette(cells.map(\.system))
        func restyled(_ entries: [ReportCharts.Entry]) -> [ReportCharts.Entry] {
            entries.map { entry in
                var entry = entry
                entry.chart.series = entry.chart.series.map { series in
                    var series = series
                    if let line = lines[series.name] {
                        series.colour = systems.colour(line.system)
                        series.dash = line.run == 0 ? nil : ChartSeries.dashes[(line.run - 1) % ChartSeries.dashes.count]
                    }
                    return series
                }
                return entry
            }
        }
        var body =
            "<header><h1>Barrage compare</h1><ul>"
            + RunComparisonRenderer.runLines(comparison).map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul></header>\n"
        body += HTMLReport.section(id: "comparison", title: "Figures side by side", content: tables(comparison, systems))
        let spectra = restyled(ReportCharts.spectra(cells, histograms: merged, palette: names))
        if !spectra.isEmpty {
            body += HTMLReport.section(
                id: "spectrum", title: "Latency percentile spectrum",
                content: HTMLReport.charts(spectra, empty: ""))
        }
        let scaling = restyled(ReportCharts.scaling(ScalingSeries.all(cells), palette: names))
        if !scaling.isEmpty {
            body += HTMLReport.section(id: "scaling", title: "Scaling", content: HTMLReport.charts(scaling, empty: ""))
        }
        let series = restyled(ReportCharts.timeSeries(cells, palette: names))
        if !series.isEmpty {
            body += HTMLReport.section(id: "timeseries", title: "Time series", content: HTMLReport.charts(series, empty: ""))
        }
        return HTMLReport.page(title: "Barrage compare", body: body)
    }

    /// A table per figure: cell, each run's value, each later run's ratio to run A.
    static func tables(_ comparison: RunComparison, _ palette: SystemPalette) -> String {
        var html = ""
        for block in RunComparisonRenderer.blocks(comparison) {
            html += "<h3>\(HTMLText.escape(block.figure.title))</h3><div class=\"wide\"><table><thead><tr>"
            html +=
                block.header.enumerated().map { index, text in
                    "<th\(index == 0 ? " class=\"left\"" : "")>\(HTMLText.escape(text))</th>"
                }.joined() + "</tr></thead><tbody>"
            for (row, entry) in zip(block.rows, comparison.rows.filter { $0.figure == block.figure }) {
                html +=
                    "<tr><td class=\"left\"><span class=\"swatch\" style=\"background:\(palette.colour(entry.key.system))\">"
                    + "</span>\(HTMLText.escape(row[0]))</td>"
                html += row.dropFirst().map { "<td>\(HTMLText.escape($0))</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table></div>"
        }
        if !comparison.unmatched.isEmpty {
            html +=
                "<h3>In one run only</h3><ul>"
                + comparison.unmatched.map { "<li>\(HTMLText.escape($0.key.label)): only in \($0.run)</li>" }.joined() + "</ul>"
        }
        return html + comparison.footnotes.map(HTMLReport.paragraph).joined()
    }
}
