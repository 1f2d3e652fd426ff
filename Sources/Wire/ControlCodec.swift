import Foundation

/// Encodes and decodes control messages as framed JSON, one message per frame.
public enum ControlCodec {
    /// Bumped on any incompatible change; a worker with another version is refused.
    public static let protocolVersion = 2

    /// The frame for `message`.
    public static func encode(_ message: ControlMessage) -> [UInt8] {
        // Encoding our own value types cannot fail; a failure here is a programming error.
        let data = try! JSONEncoder().encode(message)
        return FrameEncoder.frame(Array(data))
    }

    /// The message in one frame's payload.
    public static func decode(_ payload: [UInt8]) throws -> ControlMessage {
        try JSONDecoder().decode(ControlMessage.self, from: Data(payload))
    }
}
