/// One scalar field value in its wire form, before its tag.
enum ScalarValue: Equatable {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case lengthDelimited([UInt8])

    /// The zero value an implicit-presence (proto3) field leaves out. A float's `-0.0` is not
    /// zero here: its bits are not, and protobuf writes it.
    var isDefault: Bool {
        switch self {
        case .varint(let value): return value == 0
        case .fixed32(let value): return value == 0
        case .fixed64(let value): return value == 0
        case .lengthDelimited(let bytes): return bytes.isEmpty
        }
    }

    func write(to writer: inout ProtoWriter) {
        switch self {
        case .varint(let value): writer.varint(value)
        case .fixed32(let value): writer.fixed32(value)
        case .fixed64(let value): writer.fixed64(value)
        case .lengthDelimited(let bytes): writer.lengthDelimited(bytes)
        }
    }
}
