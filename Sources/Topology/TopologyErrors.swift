/// All problems found in a topology file at once, in file order.
public struct TopologyErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems; never empty when returned by `TopologyParser`.
    public var diagnostics: [TopologyDiagnostic]

    /// Wraps a list of diagnostics.
    public init(diagnostics: [TopologyDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
