/// A YAML sequence (block `- ` list or flow `[...]`).
struct YAMLSequence: Sendable, Equatable {
    var items: [YAMLNode]
    var mark: SourceMark
}
