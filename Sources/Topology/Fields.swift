/// The recognised keys of one YAML mapping, after unknown and duplicate keys were reported.
struct Fields {
    /// One recognised `key: value`.
    struct Field {
        var keyMark: SourceMark
        var value: YAMLNode
    }

    /// The mapping's own position: where "missing required key" is reported.
    let mark: SourceMark
    /// Where the mapping sits, worded for messages: "in workload", "at the top level".
    let place: String
    var fields: [String: Field] = [:]

    /// The value of `key`; `nil` when absent or null, since an empty optional key means "default".
    func value(_ key: String) -> YAMLNode? {
        guard let field = fields[key], !field.value.isNull else { return nil }
        return field.value
    }
}
