import CNghttp2
import HTTP2
import SeededRandom
import Testing
import UV

@testable import Load

/// The load client's own HTTP/2 framing against nghttp2's server session (a strict peer: it
/// fails the connection on any framing or HPACK mistake) and against frames written by hand.
@Suite struct ClientFramingTests {
    /// Frames the client wrote: (type, flags, stream, payload).
    static func frames(_ bytes: [UInt8]) -> [(UInt8, UInt8, Int32, [UInt8])] {
        var out: [(UInt8, UInt8, Int32, [UInt8])] = []
        var offset = bytes.starts(with: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)) ? 24 : 0
        while offset + HTTP2Frame.headerBytes <= bytes.count {
            let header = bytes.withUnsafeBytes { HTTP2Frame.Header(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            let payload = offset + HTTP2Frame.headerBytes
            out.append((header.kind, header.flags, header.stream, Array(bytes[payload..<(payload + header.length)])))
            offset = payload + header.length
        }
        return out
    }

    /// A server frame written by hand.
    static func frame(_ type: UInt8, flags: UInt8 = 0, stream: Int32, _ payload: [UInt8]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 9)
        header.withUnsafeMutableBytes {
            HTTP2Frame.writeHeader(length: payload.count, kind: type, flags: flags, stream: stream, to: $0.baseAddress!)
        }
        return header + payload
    }

    /// HPACK literals without indexing, new names, no Huffman (`MalformedAnswerTests`' block).
    static func block(_ fields: [(String, String)]) -> [UInt8] {
        MalformedAnswerTests.Frame.headers(fields).payload
    }

    static let emptySettings = frame(4, stream: 0, [])
    static let head = block([(":status", "200"), ("content-type", "application/grpc")])
    static let trailers = block([("grpc-status", "0")])
    static let message: [UInt8] = [0, 0, 0, 0, 2, 8, 1]

    @Test func everyCallAfterTheFirstSendsItsHeadersAsIndexBytes() {
        let pair = InMemoryPair(payloadBytes: 8)
        pair.handshake()
        var headerBlocks: [Int] = []
        for _ in 0..<4 {
            #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
            let output = pair.clientOutput()
            headerBlocks += Self.frames(output).filter { $0.0 == 1 }.map(\.3.count)
            output.withUnsafeBytes { _ = pair.server.receive($0) }
            pair.pump()
        }
        #expect(pair.recorder.successes == 4)
        // The server's decoder read the same headers each time (nghttp2 fails the connection on a
        // bad index).
        for stream in pair.server.streamOrder {
            let headers = Dictionary(pair.server.calls[stream]!.headers, uniquingKeysWith: { first, _ in first })
            #expect(
                headers[":path"] == "/bench.Echo/Unary" && headers["te"] == "trailers" && headers["user-agent"] == "barrage/0.1")
        }
        #expect(headerBlocks.count == 4)
        #expect(headerBlocks[1] < headerBlocks[0] / 2, "blocks \(headerBlocks)")
        #expect(Set(headerBlocks.dropFirst()).count == 1, "every later block is the same: \(headerBlocks)")
    }

    @Test func aServerWithoutAHeaderTableGetsLiteralsAfterATableSizeUpdate() {
        let pair = InMemoryPair(serverSettings: [(NGHTTP2_SETTINGS_HEADER_TABLE_SIZE.rawValue, 0)])
        pair.handshake()
        for _ in 0..<3 {
            #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
            pair.pump()
        }
        // nghttp2 insists on the update and on no dynamic index: any slip fails the connection.
        #expect(pair.recorder.successes == 3)
        #expect(pair.server.goawaysReceived == 0)
        #expect(pair.client.state == .open)
    }

    @Test(arguments: [(10, 1_000), (65_535, 200_000)])
    func aBodyBeyondTheServersWindowWaitsForItsWindowUpdates(window: UInt32, payloadBytes: Int) {
        let pair = InMemoryPair(
            payloadBytes: payloadBytes, serverSettings: [(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue, window)])
        pair.handshake()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump(rounds: 500)
        #expect(pair.recorder.outcomes == [.success], "\(window) \(payloadBytes)")
        #expect(pair.client.freeSlots == 1)
    }

    @Test func aPingIsAnsweredWithItsPayload() {
        let pair = InMemoryPair()
        _ = pair.clientOutput()
        let payload: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        pair.deliver(Self.emptySettings + Self.frame(6, stream: 0, payload))
        let acks = Self.frames(pair.clientOutput()).filter { $0.0 == 6 }
        #expect(acks.count == 1)
        #expect(acks.first?.1 == 1 && acks.first?.3 == payload)
    }

    @Test func anAnswerWithPaddingAndContinuationFramesIsRead() {
        let pair = InMemoryPair()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        _ = pair.clientOutput()
        let half = Self.head.count / 2
        let padded: UInt8 = 0x8, endHeaders: UInt8 = 0x4, endStream: UInt8 = 0x1
        var answer = Self.emptySettings
        // HEADERS (padded, 3 bytes of padding) without END_HEADERS, then CONTINUATION.
        answer += Self.frame(1, flags: padded, stream: 1, [3] + Array(Self.head[..<half]) + [0, 0, 0])
        answer += Self.frame(9, flags: endHeaders, stream: 1, Array(Self.head[half...]))
        answer += Self.frame(0, flags: padded, stream: 1, [2] + Self.message + [0, 0])
        answer += Self.frame(1, flags: endHeaders | endStream, stream: 1, Self.trailers)
        // Cut everywhere: frames are read whatever the reads hold.
        pair.deliver(answer, cutAt: Array(stride(from: 1, to: answer.count, by: 3)))
        #expect(pair.recorder.outcomes == [.success])
        #expect(pair.client.freeSlots == 1)
    }

    /// Framing the server breaks: the client says GOAWAY with the error's code and is finished.
    static let brokenFraming: [(String, [UInt8], UInt32)] = [
        ("DATA on stream 0", frame(0, stream: 0, [1]), HTTP2Frame.ErrorCode.protocolError),
        ("HEADERS on a stream the server would open", frame(1, flags: 4, stream: 2, head), HTTP2Frame.ErrorCode.protocolError),
        (
            "a frame beyond the frame size", frame(0, stream: 1, [UInt8](repeating: 0, count: 16_385)),
            HTTP2Frame.ErrorCode.frameSizeError
        ),
        ("PUSH_PROMISE after push was refused", frame(5, flags: 4, stream: 1, [0, 0, 0, 2]), HTTP2Frame.ErrorCode.protocolError),
        ("a SETTINGS entry cut short", frame(4, stream: 0, [0, 4, 0]), HTTP2Frame.ErrorCode.frameSizeError),
        (
            "a frame between HEADERS and its CONTINUATION",
            frame(1, stream: 1, head) + frame(6, stream: 0, [UInt8](repeating: 0, count: 8)), HTTP2Frame.ErrorCode.protocolError
        ),
        ("an HPACK index beyond both tables", frame(1, flags: 5, stream: 1, [0xFE]), HTTP2Frame.ErrorCode.compressionError)
    ]

    @Test(arguments: brokenFraming.indices)
    func brokenFramingIsAConnectionError(index: Int) {
        let (name, bytes, code) = Self.brokenFraming[index]
        let pair = InMemoryPair()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        _ = pair.clientOutput()
        pair.deliver(Self.emptySettings + bytes)
        let goaways = Self.frames(pair.clientOutput()).filter { $0.0 == 7 }
        #expect(goaways.count == 1, "\(name)")
        #expect(goaways.first.map { Array($0.3[4..<8]) } == [0, 0, 0, UInt8(code)], "\(name)")
        #expect(pair.client.isFinished, "\(name)")
        #expect(pair.client.finishedReason == "protocol", "\(name)")
        pair.client.fail()
        #expect(pair.recorder.errorKinds == ["connection"], "\(name): the call fails with the connection")
    }

    @Test func somethingOtherThanHTTP2FailsTheHandshake() {
        let pair = InMemoryPair()
        _ = pair.clientOutput()
        pair.deliver(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
        #expect(!pair.client.isEstablished)
        _ = pair.clientOutput()
        #expect(pair.client.finishedReason == "protocol")
    }
}

@Suite struct StreamTableTests {
    @Test func findsWhatWasInsertedAndForgetsWhatWasRemoved() {
        var generator = SeededGenerator(seed: 17)
        var table = StreamTable(slots: 8)
        var model: [Int32: Int] = [:]
        var next: Int32 = 1
        for _ in 0..<5_000 {
            if model.count < 8, model.isEmpty || Int.random(in: 0..<3, using: &generator) > 0 {
                let slot = Int.random(in: 0..<8, using: &generator)
                table.insert(next, slot: slot)
                model[next] = slot
                next += 2
            } else {
                let victim = model.keys.randomElement(using: &generator)!
                table.remove(victim)
                model[victim] = nil
            }
            #expect(table.count == model.count)
            for (stream, slot) in model { #expect(table.slot(of: stream) == slot) }
            #expect(table.slot(of: next) == nil)
        }
    }
}

@Suite struct RequestHeaderBlocksTests {
    /// Decodes `blocks` in order with one HPACK decoder, as a server does.
    static func decode(_ blocks: [[UInt8]]) -> [[String]] {
        var inflater: OpaquePointer?
        nghttp2_hd_inflate_new(&inflater)
        defer { nghttp2_hd_inflate_del(inflater) }
        return blocks.map { block in
            var fields: [String] = []
            block.withUnsafeBufferPointer { input in
                var offset = 0
                while true {
                    var field = nghttp2_nv()
                    var flags: Int32 = 0
                    let used = nghttp2_hd_inflate_hd2(
                        inflater, &field, &flags, input.baseAddress! + offset, input.count - offset, 1)
                    guard used >= 0 else {
                        fields.append("error \(used)")
                        return
                    }
                    offset += used
                    if flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) != 0 {
                        fields.append(
                            String(decoding: UnsafeBufferPointer(start: field.name, count: field.namelen), as: UTF8.self) + ": "
                                + String(decoding: UnsafeBufferPointer(start: field.value, count: field.valuelen), as: UTF8.self))
                    }
                    if flags & Int32(NGHTTP2_HD_INFLATE_FINAL.rawValue) != 0 {
                        nghttp2_hd_inflate_end_headers(inflater)
                        return
                    }
                }
            }
            return fields
        }
    }

    static let fields = [(":method", "POST"), (":path", "/a.B/C"), ("te", "trailers"), ("x-tenant", "acme")]

    @Test func theIndexedBlockNamesWhatTheFirstPutInTheServersTable() {
        let blocks = RequestHeaderBlocks(Self.fields)
        let expected = Self.fields.map { "\($0.0): \($0.1)" }
        #expect(Self.decode([blocks.indexing, blocks.indexed, blocks.indexed]) == [expected, expected, expected])
        #expect(Self.decode([blocks.literal, blocks.literal]) == [expected, expected])
        #expect(blocks.indexed.count < blocks.literal.count)
        #expect(blocks.tableBytes == ("te".count + "trailers".count + 32) + ("x-tenant".count + "acme".count + 32))
        // Alone, the indexed block refers to entries a fresh decoder does not have.
        #expect(Self.decode([blocks.indexed]).first?.last?.hasPrefix("error") == true)
    }

    @Test(arguments: [[5_000], [1_000, 1_000, 1_000, 1_000, 1_000]])
    func headersThatDoNotAllFitTheTableAtOnceGoAsLiteralsOnly(values: [Int]) {
        // One field too big for the table, or fields that would push each other out: a later
        // block could not count on what the first one inserted.
        let big = values.enumerated().map { ("x-field-\($0.offset)", String(repeating: "v", count: $0.element)) }
        let blocks = RequestHeaderBlocks(Self.fields + big)
        #expect(blocks.tableBytes == nil)
        #expect(blocks.indexing == blocks.literal && blocks.indexed == blocks.literal)
        let expected = (Self.fields + big).map { "\($0.0): \($0.1)" }
        #expect(Self.decode([blocks.literal, blocks.literal]) == [expected, expected])
    }

    @Test func tableSizeUpdatesUseHPACKsFiveBitPrefix() {
        #expect(RequestHeaderBlocks.tableSizeUpdate(0) == [0x20])
        #expect(RequestHeaderBlocks.tableSizeUpdate(30) == [0x3E])
        #expect(RequestHeaderBlocks.tableSizeUpdate(4_095) == [0x3F, 0xE0, 0x1F])
    }
}
