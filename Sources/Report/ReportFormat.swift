/// The output formats of `barrage launch --format` and `barrage report --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// An aligned plain-text table for a terminal.
    case table
    /// A GitHub markdown table; what `summary.md` holds.
    case markdown
    /// `summary.json`.
    case json
}
