/// Collects problems while a file is checked, so that all of them can be reported at once.
struct DiagnosticSink {
    /// How many problems are shown; past this the list would bury the first (usually root) cause.
    static let reportLimit = 100
    /// How many are kept while checking, bounding memory for hostile files (e.g. 300,000 aliases).
    static let collectLimit = 10_000

    let file: String
    private var problems: [(mark: SourceMark, message: String)] = []
    private var dropped = 0

    init(file: String) {
        self.file = file
    }

    var isEmpty: Bool { problems.isEmpty }

    mutating func report(_ message: String, at mark: SourceMark) {
        guard problems.count < Self.collectLimit else {
            dropped += 1
            return
        }
        problems.append((mark, message))
    }

    /// The problems in file order (checks run in schema order, readers expect file order),
    /// capped at `reportLimit` with a final line saying how many were left out.
    func diagnostics() -> [TopologyDiagnostic] {
        // Sort by position, then by report order, so equal positions keep a stable order.
        let ordered = problems.enumerated().sorted { lhs, rhs in
            lhs.element.mark != rhs.element.mark
                ? lhs.element.mark < rhs.element.mark
                : lhs.offset < rhs.offset
        }
        var result = ordered.prefix(Self.reportLimit).map { item in
            TopologyDiagnostic(
                file: file, line: item.element.mark.line, column: item.element.mark.column,
                message: item.element.message)
        }
        let omitted = problems.count - result.count + dropped
        if omitted > 0, let last = ordered.prefix(Self.reportLimit).last {
            result.append(
                TopologyDiagnostic(
                    file: file, line: last.element.mark.line, column: last.element.mark.column,
                    message: "too many problems; \(omitted) more not shown"))
        }
        return result
    }
}
