import HTTP2

/// One of a connection's `concurrency` places for a call: a unary call in flight, or one
/// long-lived bidirectional stream. Slots are preallocated, so a call allocates nothing of ours.
struct GRPCCallSlot {
    /// Where the slot is in its life.
    enum Phase: UInt8 {
        /// No HTTP/2 stream. Free: a call may start here (a stream call opens a new stream).
        case idle
        /// Stream calls only: the stream is open and no message is outstanding. Free.
        case open
        /// A call (unary) or message (stream) is outstanding; its outcome is not reported yet.
        case awaiting
        /// The outcome is reported (or nothing was outstanding); waiting for nghttp2 to close
        /// the stream before the slot can be used again.
        case finishing
    }

    var phase: Phase = .idle
    /// True while the slot's number is on the connection's free list.
    var listed = false
    /// The server's END_STREAM arrived: the response is complete.
    var remoteEnded = false
    /// Stream calls: a message is (partly) waiting to be handed to nghttp2.
    var sendPending = false
    /// Stream calls: the data source returned NGHTTP2_ERR_DEFERRED and must be resumed.
    var deferred = false
    /// The server sent RST_STREAM on this stream.
    var resetByPeer = false
    /// `:status` of the response; 0 until it arrives.
    var httpStatus: Int16 = 0
    /// `grpc-status` from the trailers; -1 until it arrives, -2 if unparsable.
    var grpcStatus: Int16 = -1
    /// The HTTP/2 stream; 0 for none.
    var streamID: Int32 = 0
    /// Bytes of the current request message already handed to nghttp2.
    var sendOffset: Int32 = 0
    /// Response messages received on the stream (unary: must end at one; bidi: round trips done).
    var messages: UInt32 = 0
    /// The request message being sent (an index into the template's messages).
    var messageIndex: Int32 = 0
    /// Client streaming: request messages handed to nghttp2 on this stream so far.
    var messagesSent: Int32 = 0
    /// Bidi with `messagesPerStream`: the round trips are done; the data source sends END_STREAM.
    var halfClosing = false
    /// Where the outstanding call's latency counts from: its intended send time in the open
    /// loop (if that has passed), else when it was sent (ns, monotonic).
    var startNs: UInt64 = 0
    /// When the outstanding call actually went to nghttp2; the request timeout counts from
    /// here, as it judges the server, not the generator's queue.
    var sentNs: UInt64 = 0
    /// Splits the response bytes into messages.
    var decoder = GRPCMessageDecoder()
    /// The response said `grpc-encoding: gzip`: its compressed messages are gzip.
    var responseGzip = false
    /// A compressed answer message being gathered until it is whole, to be inflated; nil for
    /// uncompressed ones, whose bodies are skipped (only compressed answers allocate).
    var compressedBody: [UInt8]?
    /// An answer message did not decode (it does not inflate, or is compressed without gzip):
    /// the call fails `INTERNAL`, as a gRPC client's would.
    var undecodable = false
    /// The answer's HTTP framing, checked by the client (nghttp2's HTTP checks are off): a
    /// regular field arrived in the header block being read, so no pseudo-header may follow.
    var fieldSeen = false
    /// An interim (1xx) response arrived: the final one is still to come.
    var awaitingFinalHeaders = false
    /// The answer's content-length, -1 without one; DATA payload bytes received.
    var contentLength: Int64 = -1
    var bodyBytes: Int64 = 0

    /// Forgets the stream and its response, keeping only the free-list bookkeeping.
    mutating func clearStream() {
        let listed = self.listed
        let phase = self.phase
        self = GRPCCallSlot()
        self.listed = listed
        self.phase = phase
    }
}
