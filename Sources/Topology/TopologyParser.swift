/// Reads topology files. Pure: the caller reads the file and lists the container recipes.
public enum TopologyParser {
    /// Parses and validates topology bytes (UTF-8 YAML), reporting every problem at once.
    ///
    /// - Parameters:
    ///   - bytes: the file's contents; at most 1 MiB.
    ///   - file: the name used in diagnostics.
    ///   - knownContainers: names of folders in `Containers/` (the caller lists them); "builtin" is always known.
    public static func parse(bytes: [UInt8], file: String, knownContainers: Set<String>)
        -> Result<Topology, TopologyErrors>
    {
        var sink = DiagnosticSink(file: file)
        let topology: Topology? = bytes.withUnsafeBufferPointer { buffer in
            if let problem = InputScreen.firstProblem(in: buffer) {
                sink.report(problem.message, at: problem.mark)
                return nil
            }
            switch YAMLComposer.compose(buffer, into: &sink) {
            case .failed:
                return nil
            case .empty:
                sink.report("empty topology file", at: .start)
                return nil
            case .document(let root) where root.isNull:
                // A bare `---` or `~`: say so plainly rather than "not a mapping".
                sink.report("empty topology file", at: .start)
                return nil
            case .document(let root):
                var validator = TopologyValidator(sink: sink, knownContainers: knownContainers)
                let topology = validator.topology(from: root)
                sink = validator.sink
                return topology
            }
        }
        if let topology, sink.isEmpty {
            return .success(topology)
        }
        return .failure(TopologyErrors(diagnostics: sink.diagnostics()))
    }

    /// Parses and validates topology text; see `parse(bytes:file:knownContainers:)`.
    public static func parse(text: String, file: String, knownContainers: Set<String>)
        -> Result<Topology, TopologyErrors>
    {
        parse(bytes: Array(text.utf8), file: file, knownContainers: knownContainers)
    }
}
