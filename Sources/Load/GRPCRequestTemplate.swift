import HTTP2

/// What every call of one load generator sends, built once and shared by all its connections: the
/// request headers, HPACK-encoded once (`RequestHeaderBlocks`), and the length-prefixed request
/// messages, dealt round-robin over calls. The messages sit framed (and compressed, with gzip)
/// in one block: a call only copies bytes.
final class GRPCRequestTemplate {
    /// Which method the requests call.
    let call: GRPCCall
    /// Client- and bidi-streaming calls: messages per stream before the client half-closes;
    /// 0 (bidi only) keeps the stream open for ever.
    let messagesPerStream: Int
    /// The request headers (name, value), pseudo-headers first as HTTP/2 requires.
    let fields: [(String, String)]
    /// The same, HPACK-encoded for every request a connection sends.
    let blocks: RequestHeaderBlocks
    /// How many request messages there are (at least one).
    let messageCount: Int
    /// Whether calls carry a deadline (`grpc-timeout`): the client then gives up on a call at
    /// the deadline and counts it `DEADLINE_EXCEEDED`.
    let hasDeadline: Bool

    private let messageStorage: UnsafeMutableRawBufferPointer
    /// Where message `i` starts in `messageStorage`; one more entry than messages.
    private let offsets: [Int]
    /// The next message `nextMessage` deals.
    private var cursor = 0

    /// Builds the headers for `call` (at `path`, if given, instead of the method's own) on
    /// `authority` ("host:port") with `options`' metadata, deadline and encoding, and the
    /// messages: `options.requests`, or one `bench.Payload` whose body holds `payloadBytes` bytes;
    /// `scheme` is "https" over TLS.
    init(
        call: GRPCCall, path: String? = nil, authority: String, payloadBytes: Int, options: GRPCCallOptions = .init(),
        scheme: String = "http"
    ) {
        self.call = call
        messagesPerStream = options.messagesPerStream
        hasDeadline = options.deadlineMs != nil
        var fields: [(String, String)] = [
            (GRPCHeader.method.description, GRPCHeader.post.description),
            (GRPCHeader.scheme.description, scheme),
            (GRPCHeader.path.description, path ?? call.path),
            (GRPCHeader.authority.description, authority),
            (GRPCHeader.contentType.description, GRPCHeader.grpcContentType.description),
            (GRPCHeader.te.description, GRPCHeader.trailers.description),
            (GRPCHeader.userAgent.description, "barrage/0.1")
        ]
        if let deadline = options.deadlineMs {
            fields.append((GRPCHeader.timeout.description, GRPCCallOptions.timeoutHeader(milliseconds: deadline)))
        }
        if options.gzip {
            fields.append((GRPCHeader.encoding.description, GRPCHeader.gzip.description))
        }
        if options.gzip || options.requests != nil {
            // The client inflates gzip answers; announced for a user's service and with gzip
            // requests, so a plain bench.Echo run's headers stay what they were.
            fields.append((GRPCHeader.acceptEncoding.description, GRPCHeader.acceptedEncodings.description))
        }
        fields += options.metadata.map { ($0.name, $0.value) }
        self.fields = fields
        blocks = RequestHeaderBlocks(fields)

        let bodies = options.requests.flatMap { $0.isEmpty ? nil : $0 } ?? [Self.payloadBody(payloadBytes: payloadBytes)]
        let framed = bodies.map { body in
            options.gzip ? Self.frame(Gzip.compress(body), compressed: true) : Self.frame(body, compressed: false)
        }
        var starts = [0]
        for message in framed { starts.append(starts[starts.count - 1] + message.count) }
        offsets = starts
        messageCount = framed.count
        messageStorage = .allocate(byteCount: max(starts[starts.count - 1], 1), alignment: 8)
        for (index, message) in framed.enumerated() {
            UnsafeMutableRawBufferPointer(rebasing: messageStorage[starts[index]..<starts[index + 1]]).copyBytes(from: message)
        }
    }

    deinit {
        messageStorage.deallocate()
    }

    /// Message `index`, framed: flag, length, protobuf.
    @inline(__always)
    func message(_ index: Int32) -> UnsafeRawBufferPointer {
        let start = offsets[Int(index)]
        return UnsafeRawBufferPointer(start: messageStorage.baseAddress! + start, count: offsets[Int(index) + 1] - start)
    }

    /// The message the next call sends: round-robin over the requests, shared by every
    /// connection of the generator (all on its one loop thread).
    @inline(__always)
    func nextMessage() -> Int32 {
        let index = cursor
        cursor = index + 1 == messageCount ? 0 : index + 1
        return Int32(index)
    }

    /// A gRPC message carrying `bench.Payload { bytes body = 1; }` with a `payloadBytes`-long
    /// body: flag 0, big-endian length, then tag 0x0A, varint length, body. An empty body is
    /// left out, as proto3 does for default values.
    static func encodeMessage(payloadBytes: Int) -> [UInt8] {
        frame(payloadBody(payloadBytes: payloadBytes), compressed: false)
    }

    /// `bench.Payload`'s protobuf with a `payloadBytes`-long body.
    static func payloadBody(payloadBytes: Int) -> [UInt8] {
        var protobuf: [UInt8] = []
        if payloadBytes > 0 {
            protobuf.reserveCapacity(payloadBytes + 11)
            protobuf.append(0x0A)
            var length = UInt64(payloadBytes)
            while length >= 0x80 {
                protobuf.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            protobuf.append(UInt8(length))
            for index in 0..<payloadBytes { protobuf.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7)) }
        }
        return protobuf
    }

    /// `body` behind its 5-byte prefix, the compressed flag set when it is compressed.
    static func frame(_ body: [UInt8], compressed: Bool) -> [UInt8] {
        var prefix = GRPCMessagePrefix.encode(bodyLength: body.count)
        if compressed { prefix[0] = 1 }
        return prefix + body
    }
}
