/// Any JSON key: reads whichever tag a control frame carries, before it is known to be one of
/// the expected direction's.
struct ControlTagKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// The one tag of a control message's object, checked against `Tag`'s cases: a tag of the
    /// other direction or no known tag at all is a `ControlDecodeError`, not a generic
    /// `DecodingError`.
    static func tag<Tag: RawRepresentable & CaseIterable>(
        _: Tag.Type, in decoder: any Decoder,
        direction: ControlDirection
    ) throws -> Tag
    where Tag.RawValue == String {
        let keys = try decoder.container(keyedBy: ControlTagKey.self).allKeys.map(\.stringValue)
        guard keys.count == 1, let key = keys.first else { throw ControlDecodeError.notOneTag(found: keys) }
        if let tag = Tag(rawValue: key) { return tag }
        if direction.reversed.tags.contains(key) { throw ControlDecodeError.wrongDirection(tag: key, expected: direction) }
        throw ControlDecodeError.unknownTag(key, expected: direction)
    }
}
