/// Checks the raw bytes before libyaml sees them: size, UTF-8 validity and binary content.
/// Doing it here gives exact positions and plain-language messages for files that are not text.
enum InputScreen {
    /// Topology files are a few hundred bytes; the cap bounds parse time and memory for anything else.
    static let maximumBytes = 1 << 20

    /// The first problem that makes the bytes unusable as a topology file, if any.
    static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> (mark: SourceMark, message: String)? {
        if bytes.count > maximumBytes {
            return (.start, "topology file is too large (\(bytes.count) bytes; at most 1 MiB)")
        }
        var tracker = LineTracker()
        var offset = 0
        while offset < bytes.count {
            let scalar: Unicode.Scalar
            let width: Int
            if bytes[offset] < 0x80 {
                // ASCII fast path: nearly every byte of a real file, and far cheaper than decoding.
                scalar = Unicode.Scalar(bytes[offset])
                width = 1
            } else {
                var parser = Unicode.UTF8.ForwardParser()
                var iterator = UnsafeBufferPointer(rebasing: bytes[offset...]).makeIterator()
                guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else {
                    return (tracker.mark, "file is not valid UTF-8: bad byte at offset \(offset)")
                }
                scalar = Unicode.UTF8.decode(encoded)
                width = encoded.count
            }
            if !isAllowed(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                let kind = scalar.value < 0xA0 ? "control character" : "non-character"
                return (tracker.mark, "file is not text: \(kind) \(code) at byte \(offset) (binary data?)")
            }
            tracker.advance(over: scalar)
            offset += width
        }
        return nil
    }

    /// Where a byte offset lies, for libyaml reader errors which carry only an offset.
    static func mark(ofByteOffset target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceMark {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var tracker = LineTracker()
        var offset = 0
        while offset < target, case .valid(let encoded) = parser.parseScalar(from: &iterator) {
            tracker.advance(over: Unicode.UTF8.decode(encoded))
            offset += encoded.count
        }
        return tracker.mark
    }

    /// The characters YAML allows in a stream (YAML 1.1 "printable", as libyaml checks them).
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85: return true
        case 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
