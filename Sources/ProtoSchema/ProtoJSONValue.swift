/// A JSON value in protobuf's JSON mapping, every part carrying where it was written, so an
/// encoding error can point at the field a user got wrong.
///
/// Numbers keep their literal text: a 64-bit integer must not pass through a `Double`.
public indirect enum ProtoJSONValue: Sendable {
    /// An object: its members in the order written (duplicates kept, the encoder refuses them).
    case object([(key: String, keyLocation: SourceLocation, value: ProtoJSONValue)], SourceLocation)
    /// An array.
    case array([ProtoJSONValue], SourceLocation)
    /// A string, unescaped.
    case string(String, SourceLocation)
    /// A number as written (`-12`, `1.5e3`).
    case number(String, SourceLocation)
    /// `true` or `false`.
    case bool(Bool, SourceLocation)
    /// `null`.
    case null(SourceLocation)

    /// Where the value starts.
    public var location: SourceLocation {
        switch self {
        case .object(_, let location), .array(_, let location), .string(_, let location), .number(_, let location),
            .bool(_, let location), .null(let location):
            return location
        }
    }
}
