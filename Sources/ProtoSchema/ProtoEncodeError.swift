/// A JSON request that does not fit its message type: which field, what is wrong, and where.
public struct ProtoEncodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field as the request names it, from the top message down: `amount.currency`,
    /// `lines[2].sku`, `labels["region"]`; empty for the request itself.
    public let fieldPath: String
    /// What is wrong, in words a user acts on (the valid enum names, the nearest field name, …).
    public let message: String
    /// Where the offending key or value is written.
    public let location: SourceLocation

    /// An error at `location` about `fieldPath`.
    public init(fieldPath: String, message: String, location: SourceLocation) {
        self.fieldPath = fieldPath
        self.message = message
        self.location = location
    }

    /// `field amount.currency: …`, or the message alone for the request itself; no location,
    /// which the caller prefixes with its file.
    public var description: String {
        fieldPath.isEmpty ? message : "field \(fieldPath): \(message)"
    }
}
