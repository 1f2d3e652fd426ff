/// Comma-separated values per RFC 4180: CRLF line ends, a header row, fields quoted when
/// they hold a comma, a quote, CR or LF (quotes doubled inside).
public struct CSVTable: Sendable, Equatable {
    /// The column names.
    public var header: [String]
    /// The rows, each as long as the header.
    public var rows: [[String]]

    /// A table; rows shorter than the header are padded with empty fields.
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows.map { $0.count < header.count ? $0 + Array(repeating: "", count: header.count - $0.count) : $0 }
    }

    /// One row per cell of `summary`, in run order, its `summary.json` fields flattened (see `CellFields`).
    public init(cells: [CellSummary]) {
        let fields = cells.map(CellFields.init)
        let columns = CellFields.columns(fields)
        self.init(header: columns, rows: fields.map { cell in columns.map { cell.texts[$0] ?? "" } })
    }

    /// The text: header, then rows, each line ending in CRLF.
    public func render() -> String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when RFC 4180 requires it.
    public static func field(_ text: String) -> String {
        // Unicode scalars, not characters: "\r\n" is one Character and would hide both.
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
