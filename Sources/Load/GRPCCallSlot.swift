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
        /// The outcome is reported (or nothing was outstanding); waiting for the stream to
        /// close (our RST_STREAM or END_STREAM to go out) before the slot can be used again.
        case finishing
    }

    var phase: Phase = .idle
    /// True while the slot's number is on the connection's free list.
    var listed = false
    /// True while the slot's number is on the connection's send queue (kept across streams).
    var queued = false
    /// The call waits for the server's stream limit (it is on the connection's open queue).
    var waiting = false
    /// The call holds one of the streams the server allows (from `open` until the stream closes);
    /// its HEADERS may still wait to go out.
    var opened = false
    /// The HEADERS went out: the stream has its ID and is on the wire.
    var headersSent = false
    /// Our END_STREAM went out.
    var localEnded = false
    /// An RST_STREAM with `resetCode` is to go out; the stream closes when it does.
    var resetOwed = false
    var resetCode: UInt32 = 0
    /// The first header block of the answer arrived (later ones are trailers, or the final
    /// response after an interim one).
    var answerHeadersSeen = false
    /// A field of the header block being read broke the rules: the rest is skipped and the
    /// answer fails when the block ends.
    var blockRejected = false
    /// The server's END_STREAM arrived: the response is complete.
    var remoteEnded = false
    /// Stream calls: a message is (partly) waiting to go out.
    var sendPending = false
    /// The server sent RST_STREAM on this stream.
    var resetByPeer = false
    /// `:status` of the response; 0 until it arrives.
    var httpStatus: Int16 = 0
    /// `grpc-status` from the trailers; -1 until it arrives, -2 if unparsable.
    var grpcStatus: Int16 = -1
    /// The HTTP/2 stream; 0 for none.
    var streamID: Int32 = 0
    /// Bytes of the current request message already sent.
    var sendOffset: Int32 = 0
    /// What the server lets this stream send (flow control); set when the HEADERS go out.
    var sendWindow: Int32 = 0
    /// Answer bytes received since the stream's last WINDOW_UPDATE.
    var receiveUnacked: Int32 = 0
    /// Response messages received on the stream (unary: must end at one; bidi: round trips done).
    var messages: UInt32 = 0
    /// The request message being sent (an index into the template's messages).
    var messageIndex: Int32 = 0
    /// Client streaming: request messages sent on this stream so far.
    var messagesSent: Int32 = 0
    /// Bidi with `messagesPerStream`: the round trips are done; an empty DATA frame ends our side.
    var halfClosing = false
    /// Where the outstanding call's latency counts from: its intended send time in the open
    /// loop (if that has passed), else when it was sent (ns, monotonic).
    var startNs: UInt64 = 0
    /// When the outstanding call was submitted; the request timeout counts from
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
    /// The answer's HTTP framing, checked by the client: a regular field arrived in the header
    /// block being read, so no pseudo-header may follow.
    var fieldSeen = false
    /// An interim (1xx) response arrived: the final one is still to come.
    var awaitingFinalHeaders = false
    /// The answer's content-length, -1 without one; DATA payload bytes received.
    var contentLength: Int64 = -1
    var bodyBytes: Int64 = 0

    /// Forgets the stream and its response, keeping only the free-list and send-queue
    /// bookkeeping.
    mutating func clearStream() {
        let listed = self.listed
        let queued = self.queued
        let phase = self.phase
        self = GRPCCallSlot()
        self.listed = listed
        self.queued = queued
        self.phase = phase
    }
}
