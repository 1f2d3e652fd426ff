/// A field's protobuf type, with the full name of the message or enum it refers to.
enum FieldType: Sendable, Equatable {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32, sfixed32, sfixed64
    case sint32, sint64
    case enumeration(String)
    case message(String)
    /// proto2's group: a message between start- and end-group tags instead of length-prefixed.
    case group(String)

    /// Types whose repeated fields may be packed (every scalar but string and bytes).
    var isPackable: Bool {
        switch self {
        case .string, .bytes, .message, .group: return false
        default: return true
        }
    }

    /// The protobuf wire type of one value.
    var wireType: WireType {
        switch self {
        case .double, .fixed64, .sfixed64: return .fixed64
        case .float, .fixed32, .sfixed32: return .fixed32
        case .string, .bytes, .message: return .lengthDelimited
        case .group: return .startGroup
        default: return .varint
        }
    }
}

/// The low three bits of a field's tag.
enum WireType: UInt64, Sendable {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}
