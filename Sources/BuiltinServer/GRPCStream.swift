import HTTP2

/// One HTTP/2 stream, i.e. one gRPC call, on a `GRPCServerConnection`.
///
/// Objects are recycled through the connection's spare list (with their buffers' memory), so
/// a steady stream of calls allocates nothing of ours per call.
final class GRPCStream {
    /// Which method the `:path` names.
    enum Route {
        case unary
        case stream
        /// Anything else; answered with UNIMPLEMENTED.
        case unknown
    }

    /// Where the call is in its life.
    enum Phase {
        /// Request headers are arriving.
        case headers
        /// The call was accepted; request messages are arriving and are echoed.
        case receiving
        /// The outcome is known: echoed data still queued goes out, then trailers with it.
        case closing(GRPCStatus)
        /// The final frame is submitted; anything more from the client is ignored.
        case finished
    }

    /// What `grpc-encoding` the request declared.
    enum Encoding {
        case absent
        case identity
        /// Some real compression, which this server does not implement.
        case other
    }

    private(set) var id: Int32 = 0
    var phase = Phase.headers
    var route = Route.unknown
    var isPost = false
    var hasGRPCContentType = false
    var encoding = Encoding.absent
    /// The `:path` of an unknown method, kept only to name it in the error.
    var unknownPath = ""
    var reader = GRPCMessageReader()
    /// Echoed messages (prefix included) not yet handed to nghttp2.
    var outbound = ByteBuffer()
    /// Request messages accepted so far.
    var messages = 0
    /// Response HEADERS were submitted with a data provider, so the end goes in trailers.
    var responseStarted = false
    /// The data provider returned DEFERRED and must be resumed when there is more to send.
    var dataDeferred = false
    /// The client sent END_STREAM.
    var clientEnded = false
    /// Received bytes not yet given back to the flow-control window, held while the echo
    /// backlog is large so that a client which does not read cannot make the server buffer
    /// without bound.
    var owedWindow = 0

    /// Prepares a spare object for stream `id`, keeping buffer memory up to `keep` bytes.
    func reset(id: Int32, keeping keep: Int) {
        self.id = id
        phase = .headers
        route = .unknown
        isPost = false
        hasGRPCContentType = false
        encoding = .absent
        unknownPath = ""
        reader.reset(keeping: keep)
        outbound.release(above: keep)
        messages = 0
        responseStarted = false
        dataDeferred = false
        clientEnded = false
        owedWindow = 0
    }

    /// Checks one complete request message (its compressed flag and body) and queues its
    /// echo. Returns the status that ends the call if the message is not acceptable.
    func accept(flag: UInt8, body: UnsafeRawBufferPointer) -> GRPCStatus? {
        if flag != 0 {
            // A set flag means the body is compressed with the grpc-encoding; without a real
            // encoding that is a broken peer (INTERNAL), with one it is a codec we lack.
            if flag == 1, case .other = encoding {
                return GRPCStatus(code: .unimplemented, message: "compressed messages are not supported")
            }
            return GRPCStatus(code: .internal, message: "compressed flag set without a grpc-encoding")
        }
        guard PayloadCheck.isValid(body) else {
            return GRPCStatus(code: .internal, message: "request is not a valid bench.Payload")
        }
        messages += 1
        if case .unary = route, messages > 1 {
            return GRPCStatus(code: .internal, message: "unary call with more than one request message")
        }
        // Input and output are both Payload, so the request body is the reply's.
        GRPCMessagePrefix.withEncoded(bodyLength: body.count) { outbound.append($0) }
        outbound.append(body)
        return nil
    }
}
