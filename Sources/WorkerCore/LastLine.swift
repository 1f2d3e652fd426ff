/// The last non-blank line of a byte stream fed in pieces, for failure messages ("exited
/// with status 3: bind: address already in use"). Pure: bytes in, line out.
///
/// Only the tail is kept: a line longer than `limit` bytes keeps its last `limit` bytes, so
/// memory stays bounded whatever a process prints.
public struct LastLine {
    /// Bytes kept of a line.
    public static let limit = 400

    /// The line being received (no newline yet).
    private var partial: [UInt8] = []
    /// The last complete non-blank line.
    private var complete: [UInt8] = []

    /// Nothing received yet.
    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if !Self.isBlank(partial) { complete = partial }
                partial.removeAll(keepingCapacity: true)
            } else {
                partial.append(byte)
                if partial.count > 2 * Self.limit { partial.removeFirst(partial.count - Self.limit) }
            }
        }
    }

    /// The unfinished line if it has text, else the last complete one; trimmed, with a
    /// trailing `\r` and control characters dropped; nil if nothing was printed.
    public var line: String? {
        let bytes = Self.isBlank(partial) ? complete : partial
        let text = String(decoding: bytes.suffix(Self.limit), as: UTF8.self)
        // Control characters (colour escapes, a stray \r) would garble a one-line message.
        var kept = Substring(
            String(
                String.UnicodeScalarView(
                    text.unicodeScalars.filter {
                        ($0.value >= 0x20 && $0.value != 0x7F) || $0 == "\t"
                    })))
        while let first = kept.first, first == " " || first == "\t" { kept.removeFirst() }
        while let last = kept.last, last == " " || last == "\t" { kept.removeLast() }
        return kept.isEmpty ? nil : String(kept)
    }

    private static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
