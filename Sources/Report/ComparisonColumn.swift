import Metrics

/// One column of the human-readable comparison: its heading, its alignment, and how a cell fills it.
struct ComparisonColumn {
    /// Which side a column's values line up on.
    enum Alignment {
        /// Words: system names, statuses.
        case left
        /// Figures, so that digits of equal weight line up.
        case right
    }

    let heading: String
    let alignment: Alignment
    let value: (CellSummary) -> String

    /// The mark of a saturated cell, explained by `saturationFootnote`.
    static let saturationMark = "*"
    /// What `saturationMark` means.
    static let saturationFootnote = "\(saturationMark) client saturated: the load generator, not the server, may be the limit"

    /// The columns for `cells`: `repeat` only when some cell repeats, the mark only when a cell is saturated.
    static func columns(for cells: [CellSummary]) -> [ComparisonColumn] {
        var columns = [
            ComparisonColumn(heading: "system", alignment: .left) { $0.system },
            ComparisonColumn(heading: "conns", alignment: .right) { FigureFormat.count($0.connections) },
        ]
        if cells.contains(where: { $0.repeatIndex > 1 }) {
            columns.append(ComparisonColumn(heading: "repeat", alignment: .right) { String($0.repeatIndex) })
        }
        columns += [
            ComparisonColumn(heading: "status", alignment: .left) { statusText($0.status) },
            ComparisonColumn(heading: "req/s", alignment: .right) { FigureFormat.rate($0.requestsPerSecond) },
            ComparisonColumn(heading: "p50", alignment: .right) { latency($0, \.p50) },
            ComparisonColumn(heading: "p99", alignment: .right) { latency($0, \.p99) },
            ComparisonColumn(heading: "p99.9", alignment: .right) { latency($0, \.p999) },
            ComparisonColumn(heading: "errors", alignment: .right) { FigureFormat.count($0.errors) },
            ComparisonColumn(heading: "srv CPU%", alignment: .right) { FigureFormat.percent($0.server.cpuPercent) },
            ComparisonColumn(heading: "srv RSS peak", alignment: .right) { FigureFormat.bytes($0.server.rssPeakBytes) },
            ComparisonColumn(heading: "srv RSS sust", alignment: .right) { FigureFormat.bytes($0.server.rssSustainedBytes) },
            ComparisonColumn(heading: "cli CPU%", alignment: .right) { FigureFormat.percent($0.clients.cpuPercent) },
        ]
        if cells.contains(where: \.clients.saturated) {
            columns.append(ComparisonColumn(heading: "", alignment: .left) {
                $0.clients.saturated ? saturationMark : ""
            })
        }
        return columns
    }

    /// One latency figure of `cell`; "-" when no request succeeded, since "0µs" would read as fast.
    static func latency(_ cell: CellSummary, _ figure: KeyPath<LatencySummary, UInt64>) -> String {
        cell.requests == 0 ? "-" : FigureFormat.latency(microseconds: cell.latency[keyPath: figure])
    }

    /// Non-ok statuses in capitals, so they stand out among the figures.
    static func statusText(_ status: CellStatus) -> String {
        switch status {
        case .ok: "ok"
        case .failed: "FAILED"
        case .interrupted: "INTERRUPTED"
        }
    }
}
