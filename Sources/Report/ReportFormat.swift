/// The output formats of `barrage launch --format`, `barrage report --format` and
/// `barrage compare --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// An aligned plain-text table for a terminal.
    case table
    /// A GitHub markdown table; what `summary.md` holds.
    case markdown
    /// `summary.json`.
    case json
    /// One row per cell, the cell's summary.json fields flattened; RFC 4180.
    case csv
    /// `report.html`: the tables and charts in one self-contained page.
    case html
}
