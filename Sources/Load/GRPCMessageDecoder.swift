/// Counts gRPC length-prefixed messages (1-byte compressed flag, 4-byte big-endian length,
/// body) in a byte stream cut anywhere: a message may span DATA frames and one frame may hold
/// several. Bodies are skipped, not buffered, since the load generator only needs to know a
/// whole answer arrived.
struct GRPCMessageDecoder {
    private enum State {
        /// Inside the 5-byte prefix: `have` bytes of it seen, `length` accumulating.
        case prefix(have: UInt8, length: UInt32)
        /// Inside a body: `remaining` bytes still to come.
        case body(remaining: UInt32)
    }

    private var state: State = .prefix(have: 0, length: 0)

    /// True between messages (nothing of a message is pending).
    var isAtMessageBoundary: Bool {
        if case .prefix(0, _) = state { return true }
        return false
    }

    /// Feeds the next bytes; returns how many messages they completed.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Int {
        var completed = 0
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .prefix(let have, let length):
                let byte = bytes[index]
                index += 1
                // Byte 0 is the compressed flag; the body is never looked at, so it is ignored.
                let next = have == 0 ? 0 : length << 8 | UInt32(byte)
                if have < 4 {
                    state = .prefix(have: have + 1, length: next)
                } else if next == 0 {
                    completed += 1
                    state = .prefix(have: 0, length: 0)
                } else {
                    state = .body(remaining: next)
                }
            case .body(let remaining):
                let take = min(count - index, Int(remaining))
                index += take
                if take == Int(remaining) {
                    completed += 1
                    state = .prefix(have: 0, length: 0)
                } else {
                    state = .body(remaining: remaining - UInt32(take))
                }
            }
        }
        return completed
    }
}
