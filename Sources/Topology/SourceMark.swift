/// A 1-based line and column in a topology file; columns count Unicode scalars, like libyaml.
struct SourceMark: Sendable, Equatable, Comparable {
    var line: Int
    var column: Int

    /// Where whole-file problems (empty, too large) are reported.
    static let start = SourceMark(line: 1, column: 1)

    static func < (lhs: SourceMark, rhs: SourceMark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    var description: String { "\(line):\(column)" }
}
