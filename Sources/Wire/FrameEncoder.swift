/// Frames a payload for the control channel: a 4-byte big-endian length, then the bytes.
public enum FrameEncoder {
    /// The payload with its length prefix.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        var out: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        out.reserveCapacity(4 + payload.count)
        out.append(contentsOf: payload)
        return out
    }
}
