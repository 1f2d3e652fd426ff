/// Where a value sits in the text a user wrote (a JSON line, a topology file), both 1-based.
public struct SourceLocation: Sendable, Equatable, Hashable {
    /// The line, counted from 1.
    public let line: Int
    /// The column in characters (Unicode scalars), counted from 1.
    public let column: Int

    /// A location at `line`, `column` (both 1-based).
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
