import Foundation

/// Encodes and decodes control messages as framed JSON, one message per frame.
public enum ControlCodec {
    /// Bumped on any incompatible change; a worker with another version is refused (its
    /// `hello` still reads: that message's shape never changes). 2: one message enum per
    /// direction, `mark(.open/.close)`, separate server and client ready reports. 3: each
    /// second leaves as it ends (`interval`, `serverSamples`); results carry only the rest.
    public static let protocolVersion = 3

    /// The frame for `message`.
    public static func encode<Message: ControlMessage>(_ message: Message) -> [UInt8] {
        // Encoding our own value types cannot fail; a failure here is a programming error.
        let data = try! JSONEncoder().encode(message)
        return FrameEncoder.frame(Array(data))
    }

    /// The message of `type`'s direction in one frame's payload; anything else — a message of
    /// the other direction, an unknown tag, a payload that does not read — is a `ControlDecodeError`.
    public static func decode<Message: ControlMessage>(_ type: Message.Type, from payload: [UInt8]) throws -> Message {
        do {
            return try JSONDecoder().decode(type, from: Data(payload))
        } catch let error as ControlDecodeError {
            throw error
        } catch let error as DecodingError {
            throw ControlDecodeError.malformed(tag: nil, reason: describe(error))
        }
    }

    /// A `DecodingError` in a sentence: what was wrong, and where.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "expected \(type)\(at(context.codingPath))"
        case .valueNotFound(let type, let context): return "missing \(type) value\(at(context.codingPath))"
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(at(context.codingPath))"
        case .dataCorrupted(let context): return context.debugDescription + at(context.codingPath)
        @unknown default: return "\(error)"
        }
    }
}
