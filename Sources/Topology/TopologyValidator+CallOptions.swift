/// The workload's per-call gRPC options: `metadata`, `deadline`, `compression`.
extension TopologyValidator {
    static let maximumMetadataEntries = 64

    /// The `metadata` mapping: lower-case header names, printable values, base64 for `-bin` keys.
    mutating func metadata(_ node: YAMLNode) -> [MetadataEntry]? {
        guard case .mapping(let mapping) = node else {
            reportWrongKind(node, label: "metadata", expected: "a mapping of header: value")
            return nil
        }
        guard mapping.entries.count <= Self.maximumMetadataEntries else {
            sink.report(
                "metadata has \(mapping.entries.count) entries; at most \(Self.maximumMetadataEntries)", at: mapping.mark)
            return nil
        }
        var result: [MetadataEntry] = []
        var valid = true
        for entry in entries(of: mapping, place: "in metadata") {
            if let problem = MetadataEntry.nameProblem(entry.name) {
                sink.report("metadata key \(Quote.quoted(entry.name)) \(problem)", at: entry.keyMark)
                valid = false
            }
            guard case .scalar(let scalar) = entry.value, !scalar.isNull else {
                reportWrongKind(entry.value, label: "metadata \(Quote.quoted(entry.name))", expected: "a single value")
                valid = false
                continue
            }
            let item = MetadataEntry(name: entry.name, value: scalar.text)
            if let problem = item.valueProblem {
                sink.report("metadata \(Quote.quoted(entry.name)) \(problem)", at: scalar.mark)
                valid = false
            }
            result.append(item)
        }
        return valid ? result : nil
    }
}
