import Metrics

/// `report.html`: one self-contained page (inline CSS, SVG and a few lines of script, no
/// network) with the run's header, the comparison table, the latency spectra, scaling
/// curves, time series, and the cells that did not end ok.
///
/// Pure: the caller reads the node files and passes each cell's merged histogram.
public enum HTMLReport {
    /// The page for `summary`; `histograms` maps a cell id to the sum of its clients'
    /// histograms (cells missing from it get no spectrum line).
    public static func render(_ summary: RunSummary, histograms: [String: LatencyHistogram]) -> String {
        let palette = SystemPalette(summary.cells.map(\.system))
        let comparison = Comparison(summary)
        var body = header(summary)
        body += section(id: "comparison", title: "Comparison", content: table(comparison, palette))
        let capacity = ReportCharts.capacity(summary.capacity, palette: palette)
        if !capacity.isEmpty {
            body += section(
                id: "capacity", title: "Capacity",
                content:
                    paragraph(
                        "Each trial of a search, p99 against the rate it offered; the capacity found is in the"
                            + " comparison's capacity table.") + charts(capacity, empty: ""))
        }
        let problems = summary.cells.filter { $0.status != .ok || $0.error != nil }
        if !problems.isEmpty {
            body += section(id: "failed", title: "Cells that did not end ok", content: failedCells(problems))
        }
        let spectra = ReportCharts.spectra(summary.cells, histograms: histograms, palette: palette)
        body += section(
            id: "spectrum", title: "Latency percentile spectrum",
            content:
                paragraph(
                    "Latency at each percentile of the successful requests in the measurement window, from every"
                        + " client's histogram added (repeats of a cell added too). The x axis is log-scaled in 1/(1−q),"
                        + " so each step right adds a nine: 90 %, 99 %, 99.9 %, …; a line ends where its request count"
                        + " can tell percentiles apart, at the largest latency seen.")
                + charts(spectra, empty: "No latency histograms in nodes/: no cell completed a request."))
        let scaling = ReportCharts.scaling(ScalingSeries.all(summary.cells), palette: palette)
        if !scaling.isEmpty {
            body += section(
                id: "scaling", title: "Scaling",
                content:
                    paragraph(
                        "Median of the ok repeats at each value of the swept dimension; a value where a system had"
                            + " no ok repeat has no point.") + charts(scaling, empty: ""))
        }
        let series = ReportCharts.timeSeries(summary.cells, palette: palette)
        body += section(
            id: "timeseries", title: "Time series",
            content: series.isEmpty
                ? paragraph("This run's summary has no per-second figures (timeseries is empty in summary.json).")
                : paragraph(
                    "Each second of the measurement window, every client added; server CPU and RSS from its"
                        + " samples in that second. A stall, a GC pause or memory growth shows here.")
                    + charts(series, empty: ""))
        return page(title: "Barrage report: \(summary.topology)", body: body)
    }

    /// The document around `body`: styles, and the scripts that let a headless browser
    /// check the page: script errors recorded on the root element (`data-errors`), and once
    /// the body is laid out the charts counted (`data-charts`) and the page's height noted
    /// (`data-height`, for a full-page screenshot).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <script>
        window.addEventListener("error", function (event) {
          var root = document.documentElement;
          root.setAttribute("data-errors", (root.getAttribute("data-errors") || "") + String(event.message) + ";");
        });
        </script>
        <style>\(style)</style>
        </head>
        <body>
        \(body)<footer>Written by Barrage. Self-contained: opens offline, prints to PDF.</footer>
        <script>
        (function () {
          var root = document.documentElement;
          root.setAttribute("data-charts", String(document.querySelectorAll("svg.chart").length));
          root.setAttribute("data-height", String(root.scrollHeight));
        })();
        </script>
        </body>
        </html>

        """
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;\
        margin:0 auto;max-width:1240px;padding:12px 20px 24px}
        h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:26px 0 8px;border-bottom:2px solid #d0d7de;\
        padding-bottom:3px;break-after:avoid}h3{font-size:15px;margin:14px 0 6px;break-after:avoid}
        dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0 10px}
        dl.meta dt{color:#57606a}dl.meta dd{margin:0}
        .status-ok{color:#1a7f37;font-weight:600}.status-failed,.status-interrupted{color:#cf222e;font-weight:600}
        .wide{overflow-x:auto}
        table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
        th,td{padding:3px 8px;text-align:right;white-space:nowrap;border-bottom:1px solid #e4e7eb}
        th{background:#f3f5f7;border-bottom:1px solid #c9d1d9}th.left,td.left{text-align:left}
        tbody+tbody{border-top:2px solid #c9d1d9}
        tr.not-ok td{background:#fff1f0}
        .swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}
        .mark{color:#9a6700;font-weight:600}
        p.slo-missed{color:#cf222e;font-weight:600;margin:10px 0 2px}ul.slo-misses{margin:0 0 8px}
        pre.block{font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;background:#f6f8fa;border:1px solid #e4e7eb;\
        border-radius:6px;padding:8px 10px;overflow-x:auto}
        ul.problems li{margin:2px 0}ul.problems code{white-space:pre-wrap}
        p.note{color:#57606a;margin:4px 0 8px;max-width:900px}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:14px}
        figure.plot{margin:0;padding:6px;border:1px solid #e4e7eb;border-radius:6px;break-inside:avoid;\
        page-break-inside:avoid;background:#fff}
        svg.chart{display:block;width:100%;height:auto}
        svg.chart text{font-size:12px;fill:#1f2328}svg.chart .chart-title{font-size:14px;font-weight:600}
        svg.chart .tick{fill:#57606a}svg.chart .axis-label{font-size:12.5px}
        svg.chart .grid line{stroke:#eaeef2}svg.chart .axis line{stroke:#57606a}
        svg.chart .empty{fill:#8c959f;font-size:14px}
        footer{margin-top:28px;color:#8c959f;font-size:12px}
        @media print{body{max-width:none;padding:0}.charts{grid-template-columns:1fr 1fr}\
        section{break-inside:auto}.wide{overflow:visible}table{font-size:10px}}
        @page{size:A4 landscape;margin:12mm}
        """

    /// Title, run status and provenance.
    static func header(_ summary: RunSummary) -> String {
        var rows: [(String, String)] = [
            ("topology", HTMLText.escape(summary.topology)),
            ("started", HTMLText.escape(summary.started.isEmpty ? "unknown" : summary.started)),
            ("status", "<span class=\"status-\(summary.status.rawValue)\">\(summary.status.rawValue)</span>"),
            ("barrage", HTMLText.escape(summary.barrage + (summary.barrageCommit.map { " (commit \($0))" } ?? ""))),
            ("cells", "\(summary.cells.count) (\(summary.cells.filter { $0.status == .ok }.count) ok)")
        ]
        if let sha = summary.topologySHA256 { rows.append(("topology sha256", "<code>\(HTMLText.escape(sha))</code>")) }
        var html = "<header><h1>Barrage report: \(HTMLText.escape(summary.topology))</h1><dl class=\"meta\">"
        html += rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
        // A fact a host could not report is empty: a dash, as in the terminal.
        func known(_ text: String) -> String { text.isEmpty ? "-" : text }
        if !summary.hosts.isEmpty {
            html +=
                "<h3>Hosts</h3><div class=\"wide\"><table><thead><tr>"
                + ["host", "hostname", "CPU", "cores", "memory", "kernel"].map { "<th class=\"left\">\($0)</th>" }.joined()
                + "</tr></thead><tbody>"
            for host in summary.hosts {
                let cells = [
                    host.name, known(host.hostname), known(host.cpuModel), host.cores > 0 ? String(host.cores) : "-",
                    host.memoryBytes > 0 ? FigureFormat.bytes(host.memoryBytes) : "-", known(host.kernel)
                ]
                html += "<tr>" + cells.map { "<td class=\"left\">\(HTMLText.escape($0))</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table></div>"
        }
        if !summary.systems.isEmpty {
            html +=
                "<h3>Systems</h3><div class=\"wide\"><table><thead><tr><th class=\"left\">system</th>"
                + "<th class=\"left\">container</th><th class=\"left\">versions</th></tr></thead><tbody>"
            for system in summary.systems {
                let versions = system.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                html +=
                    "<tr><td class=\"left\">\(HTMLText.escape(system.name))</td>"
                    + "<td class=\"left\">\(HTMLText.escape(known(system.container)))</td>"
                    + "<td class=\"left\">\(HTMLText.escape(versions.isEmpty ? "-" : versions.joined(separator: ", ")))</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        return html + "</header>\n"
    }

    /// The comparison table: the terminal table's columns, rows and marks, one `<tbody>` per
    /// connection count, each system with its colour swatch; then the scaling lines, footnotes, SLO
    /// misses, capacity table and decision block — the terminal's own lines.
    static func table(_ comparison: Comparison, _ palette: SystemPalette) -> String {
        let columns = comparison.columns
        func alignment(_ column: ComparisonColumn) -> String { column.alignment == .left ? " class=\"left\"" : "" }
        var html = "<div class=\"wide\"><table class=\"comparison\"><thead><tr>"
        html += columns.map { "<th\(alignment($0))>\(HTMLText.escape($0.heading))</th>" }.joined() + "</tr></thead>"
        for section in comparison.sections {
            html += "<tbody>"
            for row in section {
                let ok = row.cells.allSatisfy { $0.status == .ok }
                html += "<tr\(ok ? "" : " class=\"not-ok\"")>"
                for (index, column) in columns.enumerated() {
                    let text = HTMLText.escape(column.value(row))
                    if index == 0 {
                        html +=
                            "<td class=\"left\"><span class=\"swatch\" style=\"background:\(palette.colour(row.system))\">"
                            + "</span>\(text)</td>"
                    } else if column.heading.isEmpty {
                        html += "<td class=\"left mark\">\(text)</td>"
                    } else {
                        html += "<td\(alignment(column))>\(text)</td>"
                    }
                }
                html += "</tr>"
            }
            html += "</tbody>"
        }
        html += "</table></div>"
        if !comparison.scaling.isEmpty {
            html +=
                "<p class=\"note\">\(HTMLText.escape(ScalingLines.title))</p><ul>"
                + comparison.scaling.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"
        }
        if !comparison.replicaScaling.isEmpty {
            html +=
                "<ul class=\"replica-scaling\">"
                + comparison.replicaScaling.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"
        }
        html += comparison.footnotes.map { paragraph($0) }.joined()
        if !comparison.sloMisses.isEmpty {
            html +=
                "<p class=\"slo-missed\">\(HTMLText.escape(comparison.sloTitle))</p><ul class=\"slo-misses\">"
                + comparison.sloMisses.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"
        }
        // Aligned text, as the terminal prints it: its columns hold in a <pre>.
        for (name, block) in [("capacity", comparison.capacity), ("decision", comparison.decision)] where !block.isEmpty {
            html += "<pre class=\"block \(name)\">" + block.map(HTMLText.escape).joined(separator: "\n") + "</pre>"
        }
        return html
    }

    /// Each cell that failed or was interrupted, with its reason.
    static func failedCells(_ cells: [CellSummary]) -> String {
        "<ul class=\"problems\">"
            + cells.map { cell in
                "<li><strong>\(HTMLText.escape(cell.label))</strong> "
                    + "<span class=\"status-\(cell.status.rawValue)\">\(cell.status.rawValue)</span>: "
                    + "<code>\(HTMLText.escape(Comparison.oneLine(cell.error ?? cell.status.rawValue)))</code></li>"
            }.joined() + "</ul>"
    }

    /// Charts in a grid, a heading above each new group; `empty` when there are none.
    /// Where every group is one chart (a spectrum per cell group) the charts share one grid,
    /// their titles naming the group.
    static func charts(_ entries: [ReportCharts.Entry], empty: String) -> String {
        guard !entries.isEmpty else { return empty.isEmpty ? "" : paragraph(empty) }
        if Set(entries.map(\.group)).count == entries.count {
            return "<div class=\"charts\">" + entries.map(figure).joined() + "</div>"
        }
        var html = ""
        var group: String?
        for entry in entries {
            if entry.group != group {
                if group != nil { html += "</div>" }
                html += "<h3>\(HTMLText.escape(entry.group))</h3><div class=\"charts\">"
                group = entry.group
            }
            html += figure(entry)
        }
        return html + "</div>"
    }

    static func figure(_ entry: ReportCharts.Entry) -> String {
        "<figure class=\"plot\" data-kind=\"\(entry.kind)\">\(entry.chart.render())</figure>"
    }

    static func section(id: String, title: String, content: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTMLText.escape(title))</h2>\(content)</section>\n"
    }

    static func paragraph(_ text: String) -> String { "<p class=\"note\">\(HTMLText.escape(text))</p>" }
}
