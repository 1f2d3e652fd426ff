/// Base64 as protobuf's JSON mapping accepts it for `bytes`: the standard alphabet or the
/// URL-safe one, with or without `=` padding.
enum Base64Text {
    /// The bytes, or nil when `text` holds a character of neither alphabet or a length no
    /// base64 text has.
    static func decode(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let sextet = value(of: byte) else { return nil }
            sextets.append(sextet)
        }
        guard sextets.count % 4 != 1, padding == 0 || (sextets.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index < sextets.count {
            let chunk = sextets[index..<min(index + 4, sextets.count)]
            var bits: UInt32 = 0
            for sextet in chunk { bits = bits << 6 | UInt32(sextet) }
            bits <<= UInt32(6 * (4 - chunk.count))
            for byteIndex in 0..<(chunk.count - 1) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(16 - 8 * byteIndex))) }
            index += 4
        }
        return bytes
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
