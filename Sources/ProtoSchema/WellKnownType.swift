/// The full names of the well-known types whose JSON form is not an object of their fields.
enum WellKnownType {
    static let timestamp = "google.protobuf.Timestamp"
    static let duration = "google.protobuf.Duration"
    static let fieldMask = "google.protobuf.FieldMask"
    static let structType = "google.protobuf.Struct"
    static let value = "google.protobuf.Value"
    static let listValue = "google.protobuf.ListValue"
    static let nullValue = "google.protobuf.NullValue"
    static let any = "google.protobuf.Any"

    /// Each wrapper is its one `value` field (number 1), written as the plain JSON value.
    static let wrappers: [String: FieldType] = [
        "google.protobuf.DoubleValue": .double, "google.protobuf.FloatValue": .float, "google.protobuf.Int64Value": .int64,
        "google.protobuf.UInt64Value": .uint64, "google.protobuf.Int32Value": .int32, "google.protobuf.UInt32Value": .uint32,
        "google.protobuf.BoolValue": .bool, "google.protobuf.StringValue": .string, "google.protobuf.BytesValue": .bytes
    ]
}
