/// One problem in a topology file, printed as `FILE:LINE:COLUMN: error: MESSAGE` (1-based line and column).
public struct TopologyDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name as the caller passed it.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars (as libyaml and most editors do).
    public var column: Int
    /// What is wrong, and where possible how to fix it.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, the form editors and CI logs recognise.
    public var description: String {
        "\(file):\(line):\(column): error: \(message)"
    }
}
