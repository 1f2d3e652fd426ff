/// A message type: its fields in field-number order (the order protobuf's own serializer
/// writes) and every name a JSON key may use for them.
struct MessageLayout: Sendable {
    let fullName: String
    /// Sorted by number.
    let fields: [FieldLayout]
    /// Both the `.proto` name and the JSON name of each field, to its index in `fields`.
    let fieldIndexByName: [String: Int]
    /// The real oneofs' names (proto3 `optional`'s synthetic oneofs are left out).
    let oneofNames: [String]
}
