import Testing
import UV

@testable import Load

/// Answers that break HTTP/2's rules for a response (RFC 9113 §8.1, §8.3.2): each fails only
/// its own call, as INTERNAL (the answer broke the protocol), and the connection takes the next
/// call. The frames are written by hand, outside any HPACK encoder, for stream 1.
@Suite struct MalformedAnswerTests {
    /// One server frame.
    struct Frame {
        let type: UInt8
        let flags: UInt8
        let payload: [UInt8]

        static func headers(_ fields: [(String, String)], endStream: Bool = false) -> Frame {
            // Literal header fields without indexing, new name, no Huffman.
            var block: [UInt8] = []
            for (name, value) in fields {
                block += [0, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
            }
            return Frame(type: 1, flags: endStream ? 5 : 4, payload: block)
        }

        /// One uncompressed gRPC message of `bytes` bytes.
        static func data(messageBytes bytes: Int = 1, endStream: Bool = false) -> Frame {
            Frame(type: 0, flags: endStream ? 1 : 0, payload: [0, 0, 0, 0, UInt8(bytes)] + [UInt8](repeating: 7, count: bytes))
        }

        var bytes: [UInt8] {
            [0, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF), type, flags, 0, 0, 0, 1] + payload
        }
    }

    static let head: [(String, String)] = [(":status", "200"), ("content-type", "application/grpc")]
    static let ok: [(String, String)] = [("grpc-status", "0")]

    /// Answers to stream 1 and the error kind each must count (nil: success).
    static let answers: [(String, [Frame], String?)] = [
        ("well-formed", [.headers(head), .data(), .headers(ok, endStream: true)], nil),
        ("interim 100 first", [.headers([(":status", "100")]), .headers(head), .data(), .headers(ok, endStream: true)], nil),
        ("no :status", [.headers([("content-type", "application/grpc")] + ok, endStream: true)], "INTERNAL"),
        ("two :status", [.headers([(":status", "200")] + head + ok, endStream: true)], "INTERNAL"),
        ("short :status", [.headers([(":status", "20")] + ok, endStream: true)], "INTERNAL"),
        ("pseudo-header after a field", [.headers(head.reversed() + ok, endStream: true)], "INTERNAL"),
        ("request pseudo-header", [.headers(head + [(":path", "/x")] + ok, endStream: true)], "INTERNAL"),
        ("upper-case name", [.headers(head + [("Grpc-Status", "0")] + ok, endStream: true)], "INTERNAL"),
        ("connection-specific field", [.headers(head + [("connection", "close")] + ok, endStream: true)], "INTERNAL"),
        ("te other than trailers", [.headers(head + [("te", "gzip")] + ok, endStream: true)], "INTERNAL"),
        ("trailers without END_STREAM", [.headers(head), .data(), .headers(ok)], "INTERNAL"),
        (
            "pseudo-header in trailers", [.headers(head), .data(), .headers([(":status", "200")] + ok, endStream: true)],
            "INTERNAL"
        ),
        ("interim answer ends the stream", [.headers([(":status", "100")] + ok, endStream: true)], "INTERNAL"),
        (
            "body shorter than content-length",
            [.headers(head + [("content-length", "60")]), .data(), .headers(ok, endStream: true)], "INTERNAL"
        ),
        (
            "body longer than content-length",
            [.headers(head + [("content-length", "2")]), .data(), .headers(ok, endStream: true)], "INTERNAL"
        ),
        (
            "content-length that matches", [.headers(head + [("content-length", "6")]), .data(), .headers(ok, endStream: true)],
            nil
        ),
        (
            "body after 204",
            [.headers([(":status", "204"), ("content-type", "application/grpc")]), .data(), .headers(ok, endStream: true)],
            "INTERNAL"
        )
    ]

    @Test(arguments: answers.indices)
    func aMalformedAnswerFailsOnlyItsCall(index: Int) {
        let (name, frames, kind) = Self.answers[index]
        let pair = InMemoryPair()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        _ = pair.clientOutput()
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0] + [0, 0, 0, 4, 1, 0, 0, 0, 0]
        pair.deliver(settings + frames.flatMap(\.bytes))
        // The client's resets go out, closing the stream.
        _ = pair.clientOutput()
        if let kind {
            #expect(pair.recorder.errorKinds == [kind], "\(name)")
        } else {
            #expect(pair.recorder.outcomes == [.success], "\(name)")
        }
        #expect(pair.client.state == .open, "\(name)")
        #expect(pair.client.freeSlots == 1, "\(name): the slot is reusable")
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()), "\(name)")
    }
}
