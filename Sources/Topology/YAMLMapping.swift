/// A YAML mapping with its entries in file order; duplicates are kept so the schema can report them.
struct YAMLMapping: Sendable, Equatable {
    /// One `key: value` pair.
    struct Entry: Sendable, Equatable {
        var key: YAMLNode
        var value: YAMLNode
    }

    var entries: [Entry]
    var mark: SourceMark
}
