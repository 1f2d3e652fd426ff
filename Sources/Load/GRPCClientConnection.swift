import CNghttp2
import HTTP2

/// The gRPC client side of one HTTP/2 connection, without any socket: `concurrency` call slots
/// over HTTP/2 framing of its own. Bytes from the server go in through `receive`, bytes for the
/// server come out of `produceOutput`, and every call's outcome goes to the delegate. The
/// socket glue (or a test's in-memory server) moves the bytes.
///
/// Why not an nghttp2 session, as the builtin server uses: a load client needs a small part of
/// HTTP/2 (its own streams, no push, no priorities), and an nghttp2 client session cost ≈ 60 %
/// of the client's instructions a call (callgrind, 100 × 10: stream objects, the outbound
/// queue, the stream map, HPACK-encoding the same headers every call) and ≈ 8.3 KB a
/// connection (the session struct, a 256-bucket stream map, its encoder). What HTTP/2 asks of
/// a client is here: the preface, SETTINGS both ways, flow control both ways, the server's
/// stream limit, PING, GOAWAY, RST_STREAM, CONTINUATION, padding, and a connection error
/// (GOAWAY with its code) for what breaks the framing. HPACK stays a library's: the request
/// blocks are nghttp2's encoder's output, made once (`RequestHeaderBlocks`), and the answers
/// go through nghttp2's HPACK decoder.
///
/// Hot path: slots, queues and the request template are allocated up front, so starting and
/// finishing a call allocates nothing; a request is two memcpys into the output.
final class GRPCClientConnection {
    /// Where the connection is; what was a flag beside the state (accepting calls, GOAWAY seen,
    /// reporting outcomes) is which case it is in.
    enum State: Equatable {
        /// Preface sent; the server's SETTINGS have not arrived. Calls may already be submitted.
        case connecting
        /// The server's SETTINGS arrived: the connection is established and takes calls.
        case open
        /// No new stream may open; the calls outstanding still end and are reported, and the
        /// connection finishes once they have. `established` once the server's SETTINGS are in
        /// (they may follow the cause: a refused stream before them).
        case draining(DrainCause, established: Bool)
        /// Stopping: every stream is reset and GOAWAY queued; outcomes are no longer reported.
        case terminated
        /// The connection is gone (failed); nothing more happens.
        case closed
    }

    /// Why a connection stopped taking new streams.
    enum DrainCause: Equatable {
        /// The server sent GOAWAY: the streams it refused failed because of the connection.
        case goaway
        /// We said GOAWAY ourselves: churn, or stream IDs ran out.
        case local
    }

    /// Which request header block the next HEADERS carries (`RequestHeaderBlocks`).
    enum HeaderBlockMode {
        /// The connection's first: it fills the server's table.
        case indexing
        /// Every later one: index bytes into what the first put there.
        case indexed
        /// The server's table cannot hold ours: literals only.
        case literal
    }

    /// The owner's number for this connection.
    let index: Int
    private(set) var state: State = .connecting
    /// Slots with no outstanding call, i.e. how many calls `submit` would accept now.
    private(set) var freeSlots: Int
    /// Calls outstanding (outcome not yet reported).
    private(set) var requestsInFlight = 0

    let template: GRPCRequestTemplate
    /// The generator's gzip inflater, shared by its connections: checks compressed answers.
    let gzip: GzipInflater
    /// Where answers read the time (the generator's clock).
    let clock: LoadClock
    private unowned let delegate: any LoadSessionDelegate
    let slots: UnsafeMutablePointer<GRPCCallSlot>
    let slotCount: Int
    /// The slot `slot(of:)` found last; a guess, checked against the slot's stream ID.
    var lastSlot = 0
    /// Stack of free slot numbers; each slot is on it at most once (`listed`).
    private let freeList: UnsafeMutablePointer<Int32>
    private var freeListCount = 0
    /// `grpc-message` of the trailers being read, kept until the call they end is concluded;
    /// only failures carry one, so the hot path never builds it.
    var pendingStatusMessage: String?

    // MARK: HTTP/2 state

    /// The answers' HPACK decoder (`nghttp2_hd_inflater *`); nil once the connection failed.
    var headerDecoder: OpaquePointer?
    /// Stream ID → slot, for the streams on the wire.
    var streams: StreamTable
    /// The ID the next HEADERS takes; IDs go out in increasing order, so it is assigned then.
    var nextStreamID: Int32 = 1
    /// Slots holding one of the streams the server allows (`GRPCCallSlot.opened`).
    var openStreams = 0
    /// The server's SETTINGS_MAX_CONCURRENT_STREAMS; unlimited until it says.
    var peerMaxStreams = Int.max
    /// The server's SETTINGS_INITIAL_WINDOW_SIZE and SETTINGS_MAX_FRAME_SIZE.
    var peerInitialWindow = HTTP2Frame.defaultWindow
    var peerMaxFrameBytes = HTTP2Frame.defaultMaxFrameBytes
    /// What the server lets the connection send (flow control).
    var connectionSendWindow = HTTP2Frame.defaultWindow
    /// A stream had data the connection window held back: a connection WINDOW_UPDATE wakes them.
    var connectionBlocked = false
    /// Answer bytes since the connection's last WINDOW_UPDATE.
    var connectionReceiveUnacked = 0
    /// The server's GOAWAY: streams above this ID were refused.
    var goawayLastStream = Int32.max
    /// Which block the next HEADERS carries, and a table size update it must start with.
    var headerMode: HeaderBlockMode
    var tableSizeUpdate: [UInt8]?

    // MARK: What is owed to the server (written by `produceOutput`)

    /// The preface, our SETTINGS and the connection WINDOW_UPDATE.
    var prefaceOwed = true
    /// ACKs for the server's SETTINGS.
    var settingsAcksOwed = 0
    /// PING payloads to answer; allocated only when the server pings.
    var pingAcksOwed: [UInt64] = []
    /// GOAWAY with this code is to go out (after the resets queued before it).
    var goawayOwed: UInt32?
    var goawaySent = false
    /// Slots with frames to send, in order.
    var sendQueue: SlotQueue
    /// Slots whose call waits for the server's stream limit, in order.
    var openQueue: SlotQueue

    // MARK: Reading frames (GRPCClientConnection+Inbound.swift)

    /// Where the reader is in the byte stream.
    var inbound: InboundState = .frameHeader
    /// A frame (or frame header) cut by the end of a read, gathered until whole; empty
    /// otherwise (its memory is given back once used).
    var partial: [UInt8] = []
    /// The header block being read continues in CONTINUATION frames of this stream (0: none),
    /// and whether its HEADERS ended the stream.
    var continuationStream: Int32 = 0
    var continuationEndsStream = false
    /// The server's SETTINGS arrived (the first frame it sends must be SETTINGS).
    var settingsReceived = false
    /// A connection error we declared (its code went out in GOAWAY): nothing more is read.
    var connectionError: UInt32?

    /// A connection with `concurrency` slots; its preface, SETTINGS and connection
    /// WINDOW_UPDATE wait in `produceOutput`. Nil only if out of memory.
    init?(
        index: Int, template: GRPCRequestTemplate, gzip: GzipInflater, concurrency: Int,
        delegate: any LoadSessionDelegate, clock: LoadClock = .monotonic
    ) {
        var headerDecoder: OpaquePointer?
        guard nghttp2_hd_inflate_new(&headerDecoder) == 0, let headerDecoder else { return nil }
        self.headerDecoder = headerDecoder
        self.index = index
        self.template = template
        self.gzip = gzip
        self.clock = clock
        self.delegate = delegate
        slotCount = max(concurrency, 1)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: GRPCCallSlot(), count: slotCount)
        freeList = .allocate(capacity: slotCount)
        freeSlots = slotCount
        streams = StreamTable(slots: slotCount)
        sendQueue = SlotQueue(capacity: slotCount)
        openQueue = SlotQueue(capacity: slotCount)
        headerMode = template.blocks.tableBytes == nil ? .literal : .indexing
        // Highest slot on top, so calls start in slot 0 first.
        for slot in (0..<slotCount).reversed() {
            freeList[freeListCount] = Int32(slot)
            freeListCount += 1
            slots[slot].listed = true
        }
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        freeList.deallocate()
        if let headerDecoder { nghttp2_hd_inflate_del(headerDecoder) }
    }

    /// True while new calls may start: before and after the server's SETTINGS, until anything
    /// stops the connection taking streams.
    var acceptsCalls: Bool {
        switch state {
        case .connecting, .open: return connectionError == nil
        case .draining, .terminated, .closed: return false
        }
    }

    /// True while outcomes are reported to the delegate (not once stopping).
    private var reporting: Bool {
        if case .terminated = state { return false }
        return true
    }

    // MARK: Bytes in and out

    /// Feeds bytes from the server. Returns false if the connection is gone; a framing error
    /// of the server's queues GOAWAY and makes the connection finished (`isFinished`).
    @discardableResult
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state != .closed else { return false }
        read(bytes)
        return true
    }

    /// Appends what is owed to the server to `buffer`, stopping once the buffer holds `limit`
    /// bytes (the rest waits for the next call). Returns false if the connection is gone.
    func produceOutput(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        guard state != .closed else { return false }
        write(into: &buffer, limit: limit)
        return true
    }

    /// True when the connection has nothing left to do: after GOAWAY with no streams left, after
    /// a connection error once its GOAWAY is out, or after failing. The owner closes it.
    var isFinished: Bool {
        switch state {
        case .closed: return true
        case .terminated: return !hasOutput
        case .draining: return (openStreams == 0 || connectionError != nil) && !hasOutput
        case .connecting, .open: return connectionError != nil && !hasOutput
        }
    }

    // MARK: Calls

    /// Starts a call in a free slot at `nowNs`: a unary request, or the next message on a
    /// stream (opening the stream if the slot has none). Its latency counts from `startNs`,
    /// which the generator never sets later than `nowNs`. Returns false if no slot is free or no
    /// stream may be opened.
    @discardableResult
    func submit(startNs: UInt64, nowNs now: UInt64) -> Bool {
        guard acceptsCalls, let slot = takeFreeSlot() else { return false }
        if template.call == .stream, slots[slot].phase == .open {
            slots[slot].messageIndex = template.nextMessage()
            slots[slot].sendOffset = 0
            slots[slot].sendPending = true
            enqueue(slot)
        } else {
            // Stream IDs run out after 2^30 streams: GOAWAY, and the owner replaces the connection.
            guard Int(nextStreamID) + 2 * (openStreams + openQueue.count + 1) < Int(Int32.max) else {
                giveBack(slot)
                windDown(.local)
                return false
            }
            slots[slot].clearStream()
            slots[slot].messageIndex = template.nextMessage()
            slots[slot].sendPending = template.call == .stream
            if openStreams < peerMaxStreams {
                open(slot)
            } else {
                slots[slot].waiting = true
                openQueue.push(slot)
            }
        }
        slots[slot].startNs = startNs
        slots[slot].sentNs = now
        setPhase(slot, .awaiting)
        requestsInFlight += 1
        return true
    }

    /// Gives `slot` one of the server's streams: its HEADERS (and body) are queued.
    func open(_ slot: Int) {
        slots[slot].opened = true
        openStreams += 1
        enqueue(slot)
    }

    /// Opens the waiting calls the server's stream limit now allows.
    func openWaiting() {
        while openStreams < peerMaxStreams, acceptsCalls, let slot = openQueue.pop() {
            slots[slot].waiting = false
            open(slot)
        }
    }

    /// Puts `slot` on the send queue (once).
    @inline(__always)
    func enqueue(_ slot: Int) {
        guard !slots[slot].queued else { return }
        slots[slot].queued = true
        sendQueue.push(slot)
    }

    /// Reports every call sent before `deadlineNs` as timed out and resets its stream; the
    /// connection stays (HTTP/2 can drop one stream).
    @discardableResult
    func expire(sentBefore deadlineNs: UInt64, nowNs now: UInt64) -> Bool {
        guard state != .closed, requestsInFlight > 0 else { return false }
        for slot in 0..<slotCount where slots[slot].phase == .awaiting && slots[slot].sentNs < deadlineNs {
            // With a deadline the server should have ended the call by now: it counts as the
            // status the server would have sent.
            conclude(slot, template.hasDeadline ? .grpcStatus(GRPCStatusCode.deadlineExceeded) : .timeout, nowNs: now)
            reset(slot, code: HTTP2Frame.ErrorCode.cancel)
        }
        return false
    }

    /// Stopping: resets every stream and says GOAWAY, reporting nothing more. The resets and
    /// GOAWAY wait in `produceOutput`.
    func terminate() {
        guard state != .closed else { return }
        state = .terminated
        for slot in 0..<slotCount where slots[slot].phase != .idle {
            reset(slot, code: HTTP2Frame.ErrorCode.cancel)
        }
        if goawayOwed == nil { goawayOwed = HTTP2Frame.ErrorCode.noError }
    }

    /// The connection is gone: reports every outstanding call as a connection failure and
    /// drops the decoder.
    func fail() {
        guard state != .closed else { return }
        let now = clock.now()
        for slot in 0..<slotCount {
            if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: now) }
            slots[slot].clearStream()
            slots[slot].queued = false
            setPhase(slot, .idle)
        }
        sendQueue.removeAll()
        openQueue.removeAll()
        openStreams = 0
        state = .closed
        if let headerDecoder { nghttp2_hd_inflate_del(headerDecoder) }
        headerDecoder = nil
        partial = []
        pingAcksOwed = []
    }

    /// No more new streams on this connection: say GOAWAY (unless the server already did) and
    /// let idle streams go, so the connection finishes once the outstanding calls are done. A
    /// call still waiting for the server's stream limit never reaches the wire: it fails
    /// because of the connection.
    func windDown(_ cause: DrainCause) {
        guard acceptsCalls else { return }
        state = .draining(cause, established: state == .open)
        if cause == .local { goawayOwed = HTTP2Frame.ErrorCode.noError }
        let now = clock.now()
        while let slot = openQueue.pop() {
            slots[slot].waiting = false
            if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: now) }
            release(slot)
        }
        for slot in 0..<slotCount where slots[slot].phase == .open {
            reset(slot, code: HTTP2Frame.ErrorCode.noError)
        }
    }

    /// Ends `slot`'s stream from our side: nothing goes out for a call that never reached the
    /// wire (it waited for the stream limit, or its HEADERS were still queued); otherwise an
    /// RST_STREAM with `code`, and the slot is free again once it is out.
    func reset(_ slot: Int, code: UInt32) {
        if slots[slot].phase != .idle { setPhase(slot, .finishing) }
        if slots[slot].waiting {
            openQueue.remove(slot)
            release(slot)
        } else if !slots[slot].headersSent {
            if slots[slot].opened { openStreams -= 1 }
            release(slot)
            openWaiting()
        } else if !slots[slot].resetOwed {
            slots[slot].resetOwed = true
            slots[slot].resetCode = code
            enqueue(slot)
        }
    }

    /// `slot`'s stream is closed (both sides ended, or reset either way): decides an
    /// outstanding call by `errorCode`, frees the slot and lets a waiting call open.
    func streamClosed(_ slot: Int, errorCode: UInt32) {
        if slots[slot].phase == .awaiting {
            conclude(slot, outcomeOfUnfinishedStream(slots[slot], errorCode: errorCode), nowNs: clock.now())
        }
        if slots[slot].headersSent { streams.remove(slots[slot].streamID) }
        if slots[slot].opened { openStreams -= 1 }
        release(slot)
        openWaiting()
    }

    /// Forgets `slot`'s stream and frees the slot.
    private func release(_ slot: Int) {
        slots[slot].clearStream()
        setPhase(slot, .idle)
    }

    /// The verdict on a stream that closed before the server ended its response.
    func outcomeOfUnfinishedStream(_ slot: GRPCCallSlot, errorCode: UInt32) -> CallOutcome {
        if slot.resetByPeer { return .resetStream }
        if goawayReceived || errorCode == HTTP2Frame.ErrorCode.refusedStream { return .connection }
        return .protocolViolation
    }

    // MARK: Slot bookkeeping

    /// Whether a slot in `phase` can take a new call.
    @inline(__always)
    private func isFree(_ phase: GRPCCallSlot.Phase) -> Bool {
        phase == .idle || phase == .open
    }

    /// Moves `slot` to `phase`, keeping `freeSlots` and the free list in step.
    func setPhase(_ slot: Int, _ phase: GRPCCallSlot.Phase) {
        let wasFree = isFree(slots[slot].phase)
        slots[slot].phase = phase
        let nowFree = isFree(phase)
        guard wasFree != nowFree else { return }
        if nowFree {
            freeSlots += 1
            if !slots[slot].listed {
                slots[slot].listed = true
                freeList[freeListCount] = Int32(slot)
                freeListCount += 1
            }
        } else {
            freeSlots -= 1
        }
    }

    /// Pops a free slot (most recently freed first, so streams are reused), skipping entries
    /// whose slot got busy again since it was listed.
    private func takeFreeSlot() -> Int? {
        while freeListCount > 0 {
            freeListCount -= 1
            let slot = Int(freeList[freeListCount])
            slots[slot].listed = false
            if isFree(slots[slot].phase) { return slot }
        }
        return nil
    }

    /// Puts a slot taken by `takeFreeSlot` back unused.
    private func giveBack(_ slot: Int) {
        guard !slots[slot].listed else { return }
        slots[slot].listed = true
        freeList[freeListCount] = Int32(slot)
        freeListCount += 1
    }

    /// Reports the outcome of `slot`'s outstanding call; the caller then moves the slot on. A
    /// client-streaming call counts once per message it sent (all of them when it got through).
    func conclude(_ slot: Int, _ outcome: CallOutcome, nowNs: UInt64) {
        requestsInFlight -= 1
        guard reporting else { return }
        if let message = pendingStatusMessage, case .grpcStatus = outcome {
            delegate.sessionStatusMessage(message, for: outcome)
        } else if let explanation = outcome.explanation {
            delegate.sessionStatusMessage(explanation, for: outcome)
        }
        pendingStatusMessage = nil
        let start = slots[slot].startNs
        let latency = nowNs > start ? nowNs - start : 0
        let count = template.call == .clientStreaming ? max(template.messagesPerStream, 1) : 1
        for _ in 0..<count { delegate.sessionFinishedCall(outcome, latencyNs: latency) }
        if template.call == .clientStreaming, outcome == .success { delegate.sessionFinishedStream() }
    }

    /// Server streaming: one response message arrived on `slot`'s outstanding call; it counts
    /// as a request now, and the next one's latency counts from here.
    func messageCompleted(_ slot: Int, nowNs: UInt64) {
        let start = slots[slot].startNs
        slots[slot].startNs = nowNs
        // Without a deadline the request timeout is a gap between messages; with one, the
        // whole call has to end in time.
        if !template.hasDeadline { slots[slot].sentNs = nowNs }
        guard reporting else { return }
        delegate.sessionFinishedCall(.success, latencyNs: nowNs > start ? nowNs - start : 0)
    }

    /// Server streaming: the call ended well after its messages were counted one by one.
    func callCompleted(_ slot: Int) {
        requestsInFlight -= 1
        pendingStatusMessage = nil
        streamCompleted()
    }

    /// A streaming call ended well (its messages were counted as requests): one stream.
    func streamCompleted() {
        guard reporting else { return }
        delegate.sessionFinishedStream()
    }

    /// Marks the connection established; called when the server's SETTINGS arrive.
    func becameReady() {
        switch state {
        case .connecting: state = .open
        case .draining(let cause, established: false): state = .draining(cause, established: true)
        case .open, .draining, .terminated, .closed: break
        }
    }

    /// True once the server's SETTINGS arrived, until the connection stops or fails.
    var isOpened: Bool {
        switch state {
        case .open, .draining(_, established: true): return true
        case .connecting, .draining, .terminated, .closed: return false
        }
    }

    /// True after the server said GOAWAY (while the connection drains).
    var goawayReceived: Bool {
        if case .draining(.goaway, _) = state { return true }
        return false
    }
}
