import CNghttp2
import UV

/// The gRPC client side of one HTTP/2 connection, without any socket: it owns the nghttp2
/// client session and `concurrency` call slots. Bytes from the server go in through `receive`,
/// bytes for the server come out of `produceOutput`, and every call's outcome goes to the
/// delegate. The socket glue (or a test's in-memory server) moves the bytes.
///
/// Hot path: slots, the free list and the request template are allocated up front, so starting
/// and finishing a call allocates nothing of ours (nghttp2 allocates its stream internally).
final class GRPCClientConnection {
    /// Where the session is.
    enum State {
        /// Preface sent; the server's SETTINGS have not arrived.
        case handshaking
        /// The server's SETTINGS arrived: the connection is established.
        case ready
        /// The session is gone (failed or finished); nothing more happens.
        case closed
    }

    /// The owner's number for this connection.
    let index: Int
    private(set) var state: State = .handshaking
    /// Slots with no outstanding call, i.e. how many calls `submit` would accept now.
    private(set) var freeSlots: Int
    /// Calls outstanding (outcome not yet reported).
    private(set) var requestsInFlight = 0

    let template: GRPCRequestTemplate
    /// Kept for the session's lifetime: it holds the memory functions and frame buffer the
    /// session uses.
    private let callbacks: GRPCSessionCallbacks
    /// Where answers read the time (the worker's clock).
    let clock: LoadClock
    private unowned let delegate: any LoadSessionDelegate
    private(set) var session: OpaquePointer?
    let slots: UnsafeMutablePointer<GRPCCallSlot>
    let slotCount: Int
    /// Stack of free slot numbers; each slot is on it at most once (`listed`).
    private let freeList: UnsafeMutablePointer<Int32>
    private var freeListCount = 0
    /// False once no new stream may be opened (GOAWAY, stream IDs used up, stopping).
    private(set) var acceptsCalls = true
    /// The server sent GOAWAY: streams it refused failed because of the connection.
    var goawayReceived = false
    /// False while stopping: outcomes are no longer reported.
    private var reporting = true

    /// A client session with `concurrency` slots; its preface, SETTINGS and connection
    /// WINDOW_UPDATE wait in `produceOutput`. Nil only if nghttp2 is out of memory.
    init?(index: Int, template: GRPCRequestTemplate, callbacks: GRPCSessionCallbacks, concurrency: Int,
          delegate: any LoadSessionDelegate, clock: LoadClock = .monotonic) {
        self.index = index
        self.template = template
        self.callbacks = callbacks
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

        var session: OpaquePointer?
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_client_new3(&session, callbacks.callbacks, userData, callbacks.option, callbacks.memory) == 0,
              let session else { return nil }
        self.session = session
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: GRPCSessionCallbacks.streamWindow),
            // No HPACK dynamic table for responses: the server's few response headers cost it
            // nothing to send literally, and each connection's table would hold their copies
            // (≈ 0.5 KiB a connection, 5 MB at 10,000).
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_HEADER_TABLE_SIZE.rawValue), value: 0),
        ]
        guard nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count) == 0,
              nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                                                    GRPCSessionCallbacks.connectionWindow) == 0
        else { return nil }
    }

    deinit {
        if let session { nghttp2_session_del(session) }
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        freeList.deallocate()
    }

    /// The connection behind nghttp2's `user_data`.
    @inline(__always)
    static func from(_ userData: UnsafeMutableRawPointer?) -> GRPCClientConnection {
        Unmanaged<GRPCClientConnection>.fromOpaque(userData!).takeUnretainedValue()
    }

    // MARK: Bytes in and out

    /// Feeds bytes from the server. Returns false if the session failed on them; then every
    /// outstanding call has been reported as a connection failure and the session is closed.
    @discardableResult
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let session else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        let result = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if result < 0 {
            fail()
            return false
        }
        return true
    }

    /// Appends what nghttp2 has to send to `buffer`, stopping once the buffer holds `limit`
    /// bytes (nghttp2 keeps the rest for the next call). Returns false if the session failed;
    /// then every outstanding call has been reported as a connection failure.
    func produceOutput(into buffer: inout OutputBuffer, limit: Int) -> Bool {
        guard let session else { return false }
        while buffer.count < limit {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            if length < 0 {
                fail()
                return false
            }
            if length == 0 { break }
            buffer.append(UnsafeRawBufferPointer(start: chunk, count: length))
        }
        return true
    }

    /// True when the session has nothing left to do (after GOAWAY with no streams left, or
    /// after failing): the owner should close the connection.
    var isFinished: Bool {
        guard let session else { return true }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    // MARK: Calls

    /// Starts a call in a free slot at `nowNs`: a unary request, or the next message on a
    /// stream (opening the stream if the slot has none). Its latency counts from `startNs`,
    /// which the worker never sets later than `nowNs`. Returns false if no slot is free or no
    /// stream may be opened.
    @discardableResult
    func submit(startNs: UInt64, nowNs now: UInt64) -> Bool {
        guard acceptsCalls, let session, let slot = takeFreeSlot() else { return false }
        switch template.call {
        case .unary:
            guard submitRequest(slot: slot, session: session) else { return false }
        case .stream:
            if slots[slot].phase == .open {
                slots[slot].sendOffset = 0
                slots[slot].sendPending = true
                if slots[slot].deferred {
                    slots[slot].deferred = false
                    if nghttp2_session_resume_data(session, slots[slot].streamID) != 0 {
                        // The stream is going away under us; the slot is free again once it closed.
                        slots[slot].sendPending = false
                        setPhase(slot, .finishing)
                        return false
                    }
                }
            } else {
                guard submitRequest(slot: slot, session: session) else { return false }
            }
        }
        slots[slot].startNs = startNs
        slots[slot].sentNs = now
        slots[slot].messages = 0
        setPhase(slot, .awaiting)
        requestsInFlight += 1
        return true
    }

    /// Submits HEADERS and the body's data source for `slot`; on failure (GOAWAY received,
    /// stream IDs exhausted) stops accepting calls and gives the slot back.
    private func submitRequest(slot: Int, session: OpaquePointer) -> Bool {
        let tag = UnsafeMutableRawPointer(bitPattern: slot + 1)
        var provider = nghttp2_data_provider(
            source: nghttp2_data_source(ptr: tag), read_callback: GRPCSessionCallbacks.readRequestBody)
        let streamID = nghttp2_submit_request(
            session, nil, template.headers.baseAddress, template.headers.count, &provider, tag)
        guard streamID > 0 else {
            slots[slot].sendPending = false
            giveBack(slot)
            windDown()
            return false
        }
        slots[slot].clearStream()
        slots[slot].streamID = streamID
        slots[slot].sendPending = template.call == .stream
        return true
    }

    /// Fills nghttp2's buffer with the next request body bytes of `slot`'s stream.
    func readRequestBody(slot: Int, streamID: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
                         flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard slot >= 0, slot < slotCount, slots[slot].streamID == streamID else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        if template.call == .stream, !slots[slot].sendPending {
            // A stream's request never ends: park it until the next message is armed.
            slots[slot].deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        let message = template.message
        let offset = Int(slots[slot].sendOffset)
        let count = min(length, message.count - offset)
        buffer.update(from: (message.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), count: count)
        slots[slot].sendOffset = Int32(offset + count)
        if offset + count == message.count {
            if template.call == .unary {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            } else {
                slots[slot].sendPending = false
            }
        }
        return count
    }

    /// Reports every call sent before `deadlineNs` as timed out and resets its stream; the
    /// connection stays (HTTP/2 can drop one stream).
    @discardableResult
    func expire(sentBefore deadlineNs: UInt64, nowNs now: UInt64) -> Bool {
        guard let session, requestsInFlight > 0 else { return false }
        for slot in 0..<slotCount where slots[slot].phase == .awaiting && slots[slot].sentNs < deadlineNs {
            conclude(slot, .timeout, nowNs: now)
            setPhase(slot, .finishing)
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                                      NGHTTP2_CANCEL.rawValue)
        }
        return false
    }

    /// Stopping: resets every stream and says GOAWAY, reporting nothing more. The resets and
    /// GOAWAY wait in `produceOutput`.
    func terminate() {
        guard let session else { return }
        reporting = false
        acceptsCalls = false
        for slot in 0..<slotCount where slots[slot].phase != .idle && slots[slot].streamID != 0 {
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                                      NGHTTP2_CANCEL.rawValue)
        }
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    /// The connection is gone: reports every outstanding call as a connection failure and
    /// drops the session (nghttp2 calls nothing back while being deleted).
    func fail() {
        guard let session else { return }
        let now = clock.now()
        for slot in 0..<slotCount {
            if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: now) }
            slots[slot].clearStream()
            setPhase(slot, .idle)
        }
        acceptsCalls = false
        state = .closed
        self.session = nil
        nghttp2_session_del(session)
    }

    /// No more new streams on this connection: say GOAWAY (unless the server already did) and
    /// let idle streams go, so the session finishes once the outstanding calls are done.
    func windDown() {
        guard acceptsCalls, let session else { return }
        acceptsCalls = false
        if !goawayReceived {
            nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, NGHTTP2_NO_ERROR.rawValue, nil, 0)
        }
        for slot in 0..<slotCount where slots[slot].phase == .open {
            setPhase(slot, .finishing)
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
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

    /// Reports the outcome of `slot`'s outstanding call; the caller then moves the slot on.
    func conclude(_ slot: Int, _ outcome: CallOutcome, nowNs: UInt64) {
        requestsInFlight -= 1
        guard reporting else { return }
        let start = slots[slot].startNs
        delegate.sessionFinishedCall(outcome, latencyNs: nowNs > start ? nowNs - start : 0)
    }

    /// Marks the connection established; called when the server's SETTINGS arrive.
    func becameReady() {
        if state == .handshaking { state = .ready }
    }
}
