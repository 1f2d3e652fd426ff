/// A scalar from the YAML text, kept as its literal text: the schema decides how to read it.
struct YAMLScalar: Sendable, Equatable {
    var text: String
    /// Plain (unquoted) scalars may mean null; quoted ones never do.
    var isPlain: Bool
    var mark: SourceMark

    /// YAML's spellings of null, which only count when unquoted.
    var isNull: Bool {
        isPlain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }
}
