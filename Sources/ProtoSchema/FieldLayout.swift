/// One field of a message, resolved from its descriptor: what the JSON mapping and the encoder
/// need and nothing else.
struct FieldLayout: Sendable {
    /// How many values the field holds and whether a default value is written.
    indirect enum Cardinality: Sendable {
        /// One value. With `presence` (proto2, proto3 `optional`, messages, oneof members) a value
        /// that is set is written even when it is the default; without it, defaults are left out.
        case singular(presence: Bool)
        /// proto2 `required`: written when set, and an absent one is an error.
        case required
        /// A list, packed into one length-delimited record or one record per value.
        case repeated(packed: Bool)
        /// A map: entries of the map-entry message, key field 1 and value field 2.
        case map(key: FieldLayout, value: FieldLayout)
    }

    /// The name in the `.proto`.
    let name: String
    /// The lowerCamelCase name protoc derived (or the `json_name` option).
    let jsonName: String
    let number: Int32
    let type: FieldType
    let cardinality: Cardinality
    /// The oneof it belongs to (not proto3 `optional`'s synthetic one), an index into the
    /// message's `oneofNames`.
    let oneofIndex: Int?
}
