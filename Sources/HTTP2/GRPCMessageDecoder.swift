/// Cuts a stream's bytes into gRPC length-prefixed messages, incrementally, whatever the
/// DATA frame boundaries: a message may span frames and one frame may hold several. The one
/// gRPC framing of both sides: the load client counts whole answers (skipping bodies, so it
/// buffers nothing), the builtin server gathers and echoes request bodies.
///
/// It copies nothing: body pieces point into the bytes handed in. The caller loops
/// `while let piece = decoder.next(from: &input)` and decides what to keep.
public struct GRPCMessageDecoder {
    @usableFromInline enum State {
        /// Inside the prefix: `have` bytes of it seen, flag and length accumulating.
        case prefix(have: UInt8, flag: UInt8, length: UInt32)
        /// Inside a body: `remaining` bytes still to come (0: an empty body not yet reported).
        case body(remaining: UInt32)
    }

    @usableFromInline var state: State = .prefix(have: 0, flag: 0, length: 0)

    /// A decoder at a message boundary.
    public init() {}

    /// True between messages (nothing of a message is pending).
    @inlinable public var isAtMessageBoundary: Bool {
        if case .prefix(0, _, _) = state { return true }
        return false
    }

    /// The next piece from the front of `input`, which shrinks by what it used; nil once
    /// `input` is used up (and no empty body is pending).
    @inlinable public mutating func next(from input: inout UnsafeRawBufferPointer) -> GRPCMessagePiece? {
        while true {
            switch state {
            case .prefix(let have, let flag, let length):
                guard !input.isEmpty else { return nil }
                if have == 0, input.count >= GRPCMessagePrefix.length {
                    // The common case: the whole prefix at once.
                    let bodyLength = GRPCMessagePrefix.bodyLength(input)
                    let flag = input[0]
                    input = UnsafeRawBufferPointer(rebasing: input[GRPCMessagePrefix.length...])
                    state = .body(remaining: UInt32(bodyLength))
                    return .prefix(flag: flag, bodyLength: bodyLength)
                }
                let byte = input[0]
                input = UnsafeRawBufferPointer(rebasing: input[1...])
                if have == 0 {
                    state = .prefix(have: 1, flag: byte, length: 0)
                } else if have < 4 {
                    state = .prefix(have: have + 1, flag: flag, length: length << 8 | UInt32(byte))
                } else {
                    let bodyLength = length << 8 | UInt32(byte)
                    state = .body(remaining: bodyLength)
                    return .prefix(flag: flag, bodyLength: Int(bodyLength))
                }
            case .body(let remaining):
                if remaining == 0 {
                    state = .prefix(have: 0, flag: 0, length: 0)
                    return .body(UnsafeRawBufferPointer(start: input.baseAddress, count: 0), ends: true)
                }
                guard !input.isEmpty else { return nil }
                let take = min(input.count, Int(remaining))
                let piece = UnsafeRawBufferPointer(rebasing: input[..<take])
                input = UnsafeRawBufferPointer(rebasing: input[take...])
                if take == Int(remaining) {
                    state = .prefix(have: 0, flag: 0, length: 0)
                    return .body(piece, ends: true)
                }
                state = .body(remaining: remaining - UInt32(take))
                return .body(piece, ends: false)
            }
        }
    }

    /// Feeds `bytes` and returns how many messages they completed, skipping bodies: what a
    /// client that only counts answers needs.
    @inlinable public mutating func countMessages(in bytes: UnsafeRawBufferPointer) -> Int {
        var input = bytes
        var completed = 0
        while let piece = next(from: &input) {
            if case .body(_, true) = piece { completed += 1 }
        }
        return completed
    }

    /// Back to a message boundary, forgetting a partial message.
    @inlinable public mutating func reset() {
        state = .prefix(have: 0, flag: 0, length: 0)
    }
}
