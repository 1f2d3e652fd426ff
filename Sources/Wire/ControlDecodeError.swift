/// Why a control frame does not hold a message of the expected direction.
public enum ControlDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame is not a JSON object with exactly one key (`found` keys).
    case notOneTag(found: [String])
    /// The tag names a message of the other direction (a worker's message sent to a worker, say).
    case wrongDirection(tag: String, expected: ControlDirection)
    /// The tag names no message at all: another barrage build, or not a control stream.
    case unknownTag(String, expected: ControlDirection)
    /// The tag is known but its payload does not read (or the frame is not JSON at all: tag nil).
    case malformed(tag: String?, reason: String)

    public var description: String {
        switch self {
        case .notOneTag(let keys):
            let found = keys.isEmpty ? "none" : keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "a control message is an object with exactly one tag; found \(found)"
        case .wrongDirection(let tag, let expected):
            return "'\(tag)' is a \(expected.reversed) message, received where \(expected) messages travel"
        case .unknownTag(let tag, let expected):
            return "unknown \(expected) control message '\(tag)' (a different barrage build?)"
        case .malformed(let tag?, let reason):
            return "control message '\(tag)' does not read: \(reason)"
        case .malformed(nil, let reason):
            return "control frame is not a JSON object: \(reason)"
        }
    }
}
