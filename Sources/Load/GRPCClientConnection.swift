import CNghttp2
import HTTP2
import UV

/// The gRPC client side of one HTTP/2 connection, without any socket: it owns the nghttp2
/// client session (through `HTTP2Session`) and `concurrency` call slots. Bytes from the server
/// go in through `receive`, bytes for the server come out of `produceOutput`, and every call's
/// outcome goes to the delegate. The socket glue (or a test's in-memory server) moves the bytes.
///
/// Hot path: slots, the free list and the request template are allocated up front, so starting
/// and finishing a call allocates nothing of ours (nghttp2 allocates its stream internally).
final class GRPCClientConnection: HTTP2Session {
    /// Where the connection is; what was a flag beside the state (accepting calls, GOAWAY seen,
    /// reporting outcomes) is which case it is in.
    enum State: Equatable {
        /// Preface sent; the server's SETTINGS have not arrived. Calls may already be submitted
        /// (nghttp2 holds them to the concurrency the options assume).
        case connecting
        /// The server's SETTINGS arrived: the connection is established and takes calls.
        case open
        /// No new stream may open; the calls outstanding still end and are reported, and the
        /// session finishes once they have. `established` once the server's SETTINGS are in
        /// (they may follow the cause: a refused stream before them).
        case draining(DrainCause, established: Bool)
        /// Stopping: every stream is reset and GOAWAY queued; outcomes are no longer reported.
        case terminated
        /// The session is gone (failed); nothing more happens.
        case closed
    }

    /// Why a connection stopped taking new streams.
    enum DrainCause: Equatable {
        /// The server sent GOAWAY: the streams it refused failed because of the connection.
        case goaway
        /// We said GOAWAY ourselves: stream IDs ran out, or nghttp2 refused a new stream.
        case local
    }

    /// The callbacks every client session installs; one table for the process, since nghttp2
    /// copies it into each session and only reads it.
    static let callbacks = HTTP2Callbacks(
        [.header, .frameReceived, .dataChunk, .streamClosed, .frameNotSent])

    /// The owner's number for this connection.
    let index: Int
    private(set) var state: State = .connecting
    /// Slots with no outstanding call, i.e. how many calls `submit` would accept now.
    private(set) var freeSlots: Int
    /// Calls outstanding (outcome not yet reported).
    private(set) var requestsInFlight = 0

    let template: GRPCRequestTemplate
    /// What every connection of the generator shares; here, its gzip inflater.
    let shared: GRPCClientSessionOptions
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

    /// A client session with `concurrency` slots; its preface, SETTINGS and connection
    /// WINDOW_UPDATE wait in `produceOutput`. Nil only if nghttp2 is out of memory.
    init?(
        index: Int, template: GRPCRequestTemplate, options: GRPCClientSessionOptions, concurrency: Int,
        delegate: any LoadSessionDelegate, clock: LoadClock = .monotonic
    ) {
        self.index = index
        self.template = template
        self.shared = options
        self.clock = clock
        self.delegate = delegate
        slotCount = max(concurrency, 1)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: GRPCCallSlot(), count: slotCount)
        freeList = .allocate(capacity: slotCount)
        freeSlots = slotCount
        // Highest slot on top, so calls start in slot 0 first.
        for slot in (0..<slotCount).reversed() {
            freeList[freeListCount] = Int32(slot)
            freeListCount += 1
            slots[slot].listed = true
        }
        // The options hold the memory functions and frame buffer the session uses: the base
        // keeps them until the session is deleted.
        options.sessionMemory.divertNextTableRing()
        super.init(
            role: .client, callbacks: Self.callbacks, options: options.option,
            memory: options.memory, memoryOwner: options)
        options.sessionMemory.endSessionCreation()
        guard let session else { return nil }
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: GRPCClientSessionOptions.streamWindow)
            // No SETTINGS_HEADER_TABLE_SIZE 0 for the answers, though the table costs ≈ 0.5 KiB a
            // connection: changing the size obliges the server to open its next header block
            // with a dynamic table size update (RFC 7541 §4.2), and grpc core writes the
            // trailers-only answer of a call it cancels by hand, without one, so nghttp2 failed
            // such a connection with GOAWAY COMPRESSION_ERROR (GRPCClientConnectionTests).
        ]
        guard nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count) == 0,
            nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                GRPCClientSessionOptions.connectionWindow) == 0
        else { return nil }
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        freeList.deallocate()
    }

    /// True while new calls may start: before and after the server's SETTINGS, until anything
    /// stops the connection taking streams.
    var acceptsCalls: Bool {
        switch state {
        case .connecting, .open: return true
        case .draining, .terminated, .closed: return false
        }
    }

    /// True while outcomes are reported to the delegate (not once stopping).
    private var reporting: Bool {
        if case .terminated = state { return false }
        return true
    }

    // MARK: Bytes in and out

    /// Feeds bytes from the server. Returns false if the session failed on them; then every
    /// outstanding call has been reported as a connection failure and the session is closed.
    @discardableResult
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard feed(bytes) else {
            fail()
            return false
        }
        return true
    }

    /// Appends what nghttp2 has to send to `buffer`, stopping once the buffer holds `limit`
    /// bytes (nghttp2 keeps the rest for the next call). Returns false if the session failed;
    /// then every outstanding call has been reported as a connection failure.
    func produceOutput(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        guard drain(into: &buffer, limit: limit) else {
            fail()
            return false
        }
        return true
    }

    /// True when the session has nothing left to do (after GOAWAY with no streams left, or
    /// after failing): the owner should close the connection.
    var isFinished: Bool { isDone }

    // MARK: nghttp2 callbacks, handled in GRPCClientConnection+Frames.swift

    override func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 { onFrame(frame) }

    override func header(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer
    ) -> Int32 {
        onHeader(frame, name: name, value: value)
    }

    override func dataChunk(streamID: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 { onData(streamID: streamID, bytes) }

    override func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
        onStreamClose(streamID: streamID, errorCode: errorCode)
    }

    override func frameNotSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 { onFrameNotSent(frame) }

    // MARK: Calls

    /// Starts a call in a free slot at `nowNs`: a unary request, or the next message on a
    /// stream (opening the stream if the slot has none). Its latency counts from `startNs`,
    /// which the generator never sets later than `nowNs`. Returns false if no slot is free or no
    /// stream may be opened.
    @discardableResult
    func submit(startNs: UInt64, nowNs now: UInt64) -> Bool {
        guard acceptsCalls, let session, let slot = takeFreeSlot() else { return false }
        if template.call == .stream, slots[slot].phase == .open {
            slots[slot].messageIndex = template.nextMessage()
            slots[slot].sendOffset = 0
            slots[slot].sendPending = true
            guard resumeSending(slot, session: session) else { return false }
        } else {
            guard submitRequest(slot: slot, session: session) else { return false }
        }
        slots[slot].startNs = startNs
        slots[slot].sentNs = now
        setPhase(slot, .awaiting)
        requestsInFlight += 1
        return true
    }

    /// Wakes the deferred data source of `slot`'s stream; false (the slot finishing) if the
    /// stream is going away under us.
    private func resumeSending(_ slot: Int, session: OpaquePointer) -> Bool {
        guard slots[slot].deferred else { return true }
        slots[slot].deferred = false
        guard nghttp2_session_resume_data(session, slots[slot].streamID) == 0 else {
            // The slot is free again once the stream closed.
            slots[slot].sendPending = false
            setPhase(slot, .finishing)
            return false
        }
        return true
    }

    /// Submits HEADERS and the body's data source for `slot`; on failure (GOAWAY received,
    /// stream IDs exhausted) stops accepting calls and gives the slot back.
    private func submitRequest(slot: Int, session: OpaquePointer) -> Bool {
        let tag = UnsafeMutableRawPointer(bitPattern: slot + 1)
        var provider = Self.dataProvider(tag: tag)
        let streamID = nghttp2_submit_request(
            session, nil, template.headers.baseAddress, template.headers.count, &provider, tag)
        guard streamID > 0 else {
            slots[slot].sendPending = false
            giveBack(slot)
            windDown(.local)
            return false
        }
        slots[slot].clearStream()
        slots[slot].streamID = streamID
        slots[slot].messageIndex = template.nextMessage()
        slots[slot].sendPending = template.call == .stream
        return true
    }

    /// Fills nghttp2's buffer with the next request body bytes of the stream of the slot in
    /// `tag` (its number plus one, so no lookup is needed).
    override func readData(
        streamID: Int32, tag: UnsafeMutableRawPointer?, into buffer: UnsafeMutablePointer<UInt8>,
        length: Int, flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        let slot = Int(bitPattern: tag) - 1
        guard slot >= 0, slot < slotCount, slots[slot].streamID == streamID else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        if template.call == .stream, !slots[slot].sendPending {
            if slots[slot].halfClosing {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                return 0
            }
            // Between round trips a stream's request goes on: park it until the next message is armed.
            slots[slot].deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        var written = 0
        while written < length {
            let message = template.message(slots[slot].messageIndex)
            let offset = Int(slots[slot].sendOffset)
            let count = min(length - written, message.count - offset)
            (buffer + written).update(from: (message.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), count: count)
            written += count
            slots[slot].sendOffset = Int32(offset + count)
            guard offset + count == message.count else { break }
            switch template.call {
            case .unary, .serverStreaming:
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                return written
            case .stream:
                slots[slot].sendPending = false
                return written
            case .clientStreaming:
                slots[slot].messagesSent += 1
                if Int(slots[slot].messagesSent) >= template.messagesPerStream {
                    flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                    return written
                }
                slots[slot].messageIndex = template.nextMessage()
                slots[slot].sendOffset = 0
            }
        }
        return written
    }

    /// Reports every call sent before `deadlineNs` as timed out and resets its stream; the
    /// connection stays (HTTP/2 can drop one stream).
    @discardableResult
    func expire(sentBefore deadlineNs: UInt64, nowNs now: UInt64) -> Bool {
        guard let session, requestsInFlight > 0 else { return false }
        for slot in 0..<slotCount where slots[slot].phase == .awaiting && slots[slot].sentNs < deadlineNs {
            // With a deadline the server should have ended the call by now: it counts as the
            // status the server would have sent.
            conclude(slot, template.hasDeadline ? .grpcStatus(GRPCStatusCode.deadlineExceeded) : .timeout, nowNs: now)
            setPhase(slot, .finishing)
            nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                NGHTTP2_CANCEL.rawValue)
        }
        return false
    }

    /// Stopping: resets every stream and says GOAWAY, reporting nothing more. The resets and
    /// GOAWAY wait in `produceOutput`.
    func terminate() {
        guard let session else { return }
        state = .terminated
        for slot in 0..<slotCount where slots[slot].phase != .idle && slots[slot].streamID != 0 {
            nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                NGHTTP2_CANCEL.rawValue)
        }
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    /// The connection is gone: reports every outstanding call as a connection failure and
    /// drops the session (nghttp2 calls nothing back while being deleted).
    func fail() {
        guard session != nil else { return }
        let now = clock.now()
        for slot in 0..<slotCount {
            if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: now) }
            slots[slot].clearStream()
            setPhase(slot, .idle)
        }
        state = .closed
        deleteSession()
    }

    /// No more new streams on this connection: say GOAWAY (unless the server already did) and
    /// let idle streams go, so the session finishes once the outstanding calls are done.
    func windDown(_ cause: DrainCause) {
        guard acceptsCalls, let session else { return }
        state = .draining(cause, established: state == .open)
        if cause == .local {
            nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, NGHTTP2_NO_ERROR.rawValue, nil, 0)
        }
        for slot in 0..<slotCount where slots[slot].phase == .open {
            setPhase(slot, .finishing)
            nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                NGHTTP2_NO_ERROR.rawValue)
        }
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
