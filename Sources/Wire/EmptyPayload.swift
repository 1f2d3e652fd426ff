/// The payload of a control message that carries none: `{}` on the wire.
struct EmptyPayload: Codable, Equatable {}
