/// A map key as protobuf's deterministic serializer orders entries: numbers by value, bools
/// false first, strings by their UTF-8 bytes.
enum MapKey: Comparable {
    case signed(Int64)
    case unsigned(UInt64)
    case bool(Bool)
    case string([UInt8])

    static func < (left: MapKey, right: MapKey) -> Bool {
        switch (left, right) {
        case (.signed(let a), .signed(let b)): return a < b
        case (.unsigned(let a), .unsigned(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        case (.string(let a), .string(let b)): return a.lexicographicallyPrecedes(b)
        default: return false  // one map has one key type
        }
    }
}
