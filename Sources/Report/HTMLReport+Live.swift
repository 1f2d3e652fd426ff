extension HTMLReport {
    /// `report.html` while a cell runs: `finished` — the page of the cells done so far, rendered
    /// once as each cell ended — with a section for the running cell first, and a reload every
    /// `reloadSeconds`. Only that section is rendered each time, so a live rewrite costs the
    /// same whatever the number of finished cells. The page written when the run ends has no
    /// reload.
    public static func live(finished: String, running: LiveCell, reloadSeconds: Int) -> String {
        let palette = SystemPalette([running.system])
        let cell = running.summary
        let seconds = running.points.count
        let recent = running.recentHistogram
        let figures =
            "\(seconds) s of the window so far: \(FigureFormat.count(running.requests)) calls,"
            + " \(FigureFormat.count(running.errors)) failed; last \(LiveCell.recentSeconds) s: p50 "
            + FigureFormat.latency(microseconds: recent.value(atPercentile: 50)) + ", p99 "
            + FigureFormat.latency(microseconds: recent.value(atPercentile: 99))
            + (running.serverCPUCores.map { ", server CPU \(FigureFormat.percent($0 * 100)) %" } ?? "")
            + (running.serverRSSBytes.map { ", server RSS \(FigureFormat.bytes($0))" } ?? "")
            + ". This page reloads every \(reloadSeconds) s while the run goes on."
        let section = section(
            id: "live", title: "Running now: \(cell.label)",
            content: paragraph(figures)
                + charts(ReportCharts.timeSeries([cell], palette: palette), empty: "No whole second yet."))
        var page = finished
        if let head = page.range(of: "<head>\n") {
            page.insert(contentsOf: "<meta http-equiv=\"refresh\" content=\"\(reloadSeconds)\">\n", at: head.upperBound)
        }
        if let header = page.range(of: "</header>") {
            page.insert(contentsOf: section, at: header.upperBound)
        }
        return page
    }
}
