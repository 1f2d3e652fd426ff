import CNghttp2
import HTTP2
import UV

/// What the connection does with the frames nghttp2 parsed: the bodies of its `HTTP2Session`
/// callback overrides (Swift wants overrides in the class body, so those forward here). None of them calls back into nghttp2 except to queue frames
/// (RST_STREAM), which nghttp2 allows from callbacks.
extension GRPCClientConnection {
    /// The slot whose stream is `streamID`: the one found last time when it still is (a
    /// response's frames and headers arrive together, ≈ 8 lookups a call), else via the
    /// stream's user data (nghttp2's stream map).
    @inline(__always)
    private func slot(of streamID: Int32) -> Int? {
        guard streamID != 0 else { return nil }
        if slots[lastSlot].streamID == streamID { return lastSlot }
        guard let session, let tag = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        let slot = Int(bitPattern: tag) - 1
        guard slot >= 0, slot < slotCount, slots[slot].streamID == streamID else { return nil }
        lastSlot = slot
        return slot
    }

    func onFrame(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        switch UInt32(header.type) {
        case NGHTTP2_SETTINGS.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 { becameReady() }
        case NGHTTP2_GOAWAY.rawValue:
            // Streams above its last stream ID are closed by nghttp2 right after this returns;
            // they failed because of the connection, not because of their own answer.
            windDown(.goaway)
        case NGHTTP2_RST_STREAM.rawValue:
            if let slot = slot(of: header.stream_id) { slots[slot].resetByPeer = true }
        case NGHTTP2_HEADERS.rawValue:
            guard let slot = slot(of: header.stream_id) else { break }
            guard headerBlockEnded(slot, frame) else {
                malformedAnswer(slot)
                break
            }
            if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 { responseEnded(slot) }
        case NGHTTP2_DATA.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0, let slot = slot(of: header.stream_id) {
                guard bodyMatchesLength(slot) else {
                    malformedAnswer(slot)
                    break
                }
                responseEnded(slot)
            }
        default:
            break
        }
        return 0
    }

    func onHeader(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer
    ) -> Int32 {
        guard let slot = slot(of: frame.pointee.hd.stream_id) else { return 0 }
        if name.equals(GRPCHeader.status) {
            // Once, before any field, and only in the response's headers (RFC 9113 §8.3.2).
            guard !isTrailers(slot, frame), !slots[slot].fieldSeen, slots[slot].httpStatus == 0, value.count == 3 else {
                return Self.malformedField
            }
            let status = Self.parseStatus(value)
            guard status >= 100, status != 101 else { return Self.malformedField }
            slots[slot].httpStatus = status
            return 0
        }
        slots[slot].fieldSeen = true
        if name.equals(GRPCHeader.grpcStatus),
            frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        {
            // Only a block that ends the stream carries the call's status: the trailers, or a
            // trailers-only response.
            slots[slot].grpcStatus = Self.parseStatus(value)
        } else if name.equals(GRPCHeader.encoding) {
            slots[slot].responseGzip = value.equals(GRPCHeader.gzip)
        } else if name.equals(GRPCHeader.grpcMessage), !value.isEmpty,
            frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        {
            // Why the call failed, in the server's words; the call is concluded when this
            // block ends (its frame-received callback), before any other stream's headers.
            pendingStatusMessage = GRPCStatusCode.decodeMessage(value)
        } else if !Self.allowsField(name, value, in: &slots[slot]) {
            return Self.malformedField
        }
        return 0
    }

    func onData(streamID: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let slot = slot(of: streamID) else { return 0 }
        slots[slot].bodyBytes += Int64(bytes.count)
        // A body needs final response headers first, and stays within its content-length.
        if slots[slot].httpStatus == 0
            || (slots[slot].contentLength >= 0 && slots[slot].bodyBytes > slots[slot].contentLength)
        {
            if slots[slot].phase != .finishing { malformedAnswer(slot) }
            return 0
        }
        let completed = completeMessages(on: slot, in: bytes)
        if slots[slot].undecodable {
            // A message that does not decode fails the call, as any gRPC client fails it.
            if slots[slot].phase == .awaiting {
                conclude(slot, .protocolViolation, nowNs: clock.now())
                reset(slot, code: NGHTTP2_CANCEL.rawValue)
            }
            return 0
        }
        guard completed > 0 else { return 0 }
        switch template.call {
        case .unary, .clientStreaming:
            slots[slot].messages &+= UInt32(completed)
        case .serverStreaming:
            slots[slot].messages &+= UInt32(completed)
            guard slots[slot].phase == .awaiting else { return 0 }
            let now = clock.now()
            for _ in 0..<completed { messageCompleted(slot, nowNs: now) }
        case .stream:
            for _ in 0..<completed { messageArrived(on: slot) }
        }
        return 0
    }

    /// Feeds `slot`'s answer bytes to its decoder; returns how many messages they completed.
    /// Uncompressed bodies are skipped unread; a compressed one is gathered and inflated once
    /// whole (its content is not read either, but a client that could not inflate it would fail
    /// the call). Sets `undecodable` on the first message that does not decode.
    private func completeMessages(on slot: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var input = bytes
        var completed = 0
        while !slots[slot].undecodable, let piece = slots[slot].decoder.next(from: &input) {
            switch piece {
            case .prefix(let flag, let length):
                guard flag & 1 != 0 else { continue }
                guard slots[slot].responseGzip, length <= GzipInflater.maximumInflatedBytes else {
                    slots[slot].undecodable = true
                    continue
                }
                var body: [UInt8] = []
                body.reserveCapacity(length)
                slots[slot].compressedBody = body
            case .body(let piece, let ends):
                if slots[slot].compressedBody != nil { slots[slot].compressedBody!.append(contentsOf: piece) }
                guard ends else { continue }
                if let body = slots[slot].compressedBody {
                    slots[slot].compressedBody = nil
                    guard shared.inflater.inflates(body) else {
                        slots[slot].undecodable = true
                        continue
                    }
                }
                completed += 1
            }
        }
        return completed
    }

    /// Stream calls: one answer arrived; it ends the outstanding ping-pong.
    private func messageArrived(on slot: Int) {
        guard slots[slot].phase == .awaiting else {
            // Nothing was asked (or it already timed out): an unsolicited message is ignored.
            return
        }
        let now = clock.now()
        if slots[slot].sendPending {
            // An answer before the question was even sent is no echo: drop the stream.
            conclude(slot, .protocolViolation, nowNs: now)
            reset(slot, code: NGHTTP2_CANCEL.rawValue)
            return
        }
        conclude(slot, .success, nowNs: now)
        slots[slot].messages &+= 1
        if template.messagesPerStream > 0, Int(slots[slot].messages) >= template.messagesPerStream {
            // The stream's round trips are done: half-close and let the server end it.
            halfClose(slot)
        } else if acceptsCalls {
            setPhase(slot, .open)
        } else {
            reset(slot, code: NGHTTP2_NO_ERROR.rawValue)
        }
    }

    /// Bidi: sends END_STREAM on `slot`'s stream; the slot is free again once the server ended it.
    private func halfClose(_ slot: Int) {
        setPhase(slot, .finishing)
        slots[slot].halfClosing = true
        guard let session, slots[slot].deferred else { return }
        slots[slot].deferred = false
        if nghttp2_session_resume_data(session, slots[slot].streamID) != 0 {
            reset(slot, code: NGHTTP2_CANCEL.rawValue)
        }
    }

    /// The server's END_STREAM arrived on `slot`'s stream: decide the outstanding call.
    private func responseEnded(_ slot: Int) {
        slots[slot].remoteEnded = true
        if slots[slot].phase == .awaiting {
            let outcome = outcomeOfEndedResponse(slots[slot])
            if template.call == .serverStreaming, outcome == .success {
                callCompleted(slot)
            } else {
                conclude(slot, outcome, nowNs: clock.now())
            }
        } else if slots[slot].halfClosing, slots[slot].httpStatus == 200, slots[slot].grpcStatus == 0 {
            // Bidi with messagesPerStream: every round trip was counted; the server closed cleanly.
            streamCompleted()
        }
        if slots[slot].phase != .idle { setPhase(slot, .finishing) }
        // A stream call's request never ends by itself (and a unary one may still be sending):
        // close our side too so nghttp2 closes the stream and frees the slot.
        if let session, nghttp2_session_get_stream_local_close(session, slots[slot].streamID) == 0 {
            nghttp2_submit_rst_stream(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID,
                NGHTTP2_NO_ERROR.rawValue)
        }
    }

    /// The verdict on a complete response, most telling first.
    private func outcomeOfEndedResponse(_ slot: GRPCCallSlot) -> CallOutcome {
        if slot.httpStatus != 200 { return .httpStatus(Int(slot.httpStatus)) }
        if slot.grpcStatus < 0 || slot.undecodable { return .protocolViolation }
        if slot.grpcStatus != 0 { return .grpcStatus(Int(slot.grpcStatus)) }
        switch template.call {
        case .unary, .clientStreaming:
            return slot.messages == 1 && slot.decoder.isAtMessageBoundary ? .success : .protocolViolation
        case .serverStreaming:
            // Its messages were counted as they came: the end only has to be clean.
            return slot.decoder.isAtMessageBoundary ? .success : .protocolViolation
        case .stream:
            // The stream ended cleanly while a message still waited for its answer.
            return .protocolViolation
        }
    }

    func onStreamClose(streamID: Int32, errorCode: UInt32) -> Int32 {
        guard let slot = slot(of: streamID) else { return 0 }
        if slots[slot].phase == .awaiting {
            conclude(slot, outcomeOfUnfinishedStream(slots[slot], errorCode: errorCode), nowNs: clock.now())
        }
        slots[slot].clearStream()
        setPhase(slot, .idle)
        return 0
    }

    /// A request HEADERS that never went out (the server said GOAWAY, or our reset cancelled
    /// it while queued): the call never started on the wire.
    func onFrameNotSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        guard UInt32(header.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
        for slot in 0..<slotCount where slots[slot].streamID == header.stream_id {
            if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: clock.now()) }
            slots[slot].clearStream()
            setPhase(slot, .idle)
        }
        return 0
    }

    /// The verdict on a stream that closed before the server ended its response.
    private func outcomeOfUnfinishedStream(_ slot: GRPCCallSlot, errorCode: UInt32) -> CallOutcome {
        if slot.resetByPeer { return .resetStream }
        if goawayReceived || errorCode == NGHTTP2_REFUSED_STREAM.rawValue { return .connection }
        return .protocolViolation
    }

    /// Resets `slot`'s stream; the slot is free again once nghttp2 closed it.
    private func reset(_ slot: Int, code: UInt32) {
        setPhase(slot, .finishing)
        guard let session else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), slots[slot].streamID, code)
    }

    // MARK: HTTP/2's rules for an answer (nghttp2's own HTTP checks are off)

    /// What a header callback returns for a field that breaks the answer: nghttp2 resets the
    /// stream and skips the rest of the block; the call fails when the stream closes
    /// (`outcomeOfUnfinishedStream`), as when nghttp2's own checks failed it.
    private static let malformedField = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue

    /// True if the block in `frame` is trailers: a second header block, after the final
    /// response's.
    @inline(__always)
    private func isTrailers(_ slot: Int, _ frame: UnsafePointer<nghttp2_frame>) -> Bool {
        frame.pointee.headers.cat.rawValue == NGHTTP2_HCAT_HEADERS.rawValue && !slots[slot].awaitingFinalHeaders
    }

    /// A header block of `slot`'s answer is complete: false if it breaks HTTP/2's rules as a
    /// whole (RFC 9113 §8.1): response headers without a status, an interim (1xx) response
    /// that ends the stream, trailers that do not, a body short of its content-length.
    private func headerBlockEnded(_ slot: Int, _ frame: UnsafePointer<nghttp2_frame>) -> Bool {
        slots[slot].fieldSeen = false
        let endsStream = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        if isTrailers(slot, frame) { return endsStream && bodyMatchesLength(slot) }
        let status = slots[slot].httpStatus
        guard status > 0 else { return false }
        if status < 200 {
            // Interim: the final response's headers follow.
            slots[slot].httpStatus = 0
            slots[slot].awaitingFinalHeaders = true
            slots[slot].contentLength = -1
            return !endsStream
        }
        slots[slot].awaitingFinalHeaders = false
        if status == 204 || status == 304 {
            // No body may follow (RFC 9110 §6.4.1); a content-length there describes none.
            guard slots[slot].contentLength <= 0 else { return false }
            slots[slot].contentLength = 0
        }
        return !endsStream || bodyMatchesLength(slot)
    }

    /// True if `slot`'s answer carried no content-length or as many body bytes as it said.
    @inline(__always)
    private func bodyMatchesLength(_ slot: Int) -> Bool {
        slots[slot].contentLength < 0 || slots[slot].contentLength == slots[slot].bodyBytes
    }

    /// A regular field HTTP/2 allows in an answer (RFC 9113 §8.2): a lower-case name, nothing
    /// connection-specific (`te` only as "trailers"), one valid content-length, which `slot`
    /// keeps. Fields with other bad characters are ignored, as nghttp2 ignored them.
    private static func allowsField(
        _ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in slot: inout GRPCCallSlot
    ) -> Bool {
        // Every answer's one field that needs no look (memcmp is cheaper than the scan below).
        if name.equals(GRPCHeader.contentType) { return true }
        // A pseudo-header other than :status, or upper case.
        guard name.first != 0x3A else { return false }
        for byte in name where byte &- 0x41 < 26 { return false }
        switch name.count {
        case 2 where name.equals(GRPCHeader.te):
            // "trailers" in any case (every byte of it is a letter).
            return value.count == 8 && value.indices.allSatisfy { value[$0] | 0x20 == GRPCHeader.trailers.utf8Start[$0] }
        case 7 where name.equals("upgrade"), 10 where name.equals("connection") || name.equals("keep-alive"),
            16 where name.equals("proxy-connection"), 17 where name.equals("transfer-encoding"):
            return false
        case 14 where name.equals("content-length"):
            guard slot.contentLength < 0, let length = parseLength(value) else { return false }
            slot.contentLength = length
            return true
        default:
            return true
        }
    }

    /// `slot`'s answer broke HTTP/2's rules at a frame's end: its call fails as a stream
    /// nghttp2 reset for it would have (`outcomeOfUnfinishedStream`), and the stream is reset.
    private func malformedAnswer(_ slot: Int) {
        switch slots[slot].phase {
        case .awaiting:
            conclude(
                slot, outcomeOfUnfinishedStream(slots[slot], errorCode: NGHTTP2_PROTOCOL_ERROR.rawValue),
                nowNs: clock.now())
        case .open:
            break
        case .finishing where slots[slot].halfClosing:
            // A stream call waiting for the server to end it: it will not now.
            break
        case .finishing, .idle:
            // Already reset, or gone.
            return
        }
        reset(slot, code: NGHTTP2_PROTOCOL_ERROR.rawValue)
    }

    /// A content-length: decimal digits, at most 18 of them; nil if it is not one.
    private static func parseLength(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    // MARK: Header parsing without Strings

    /// A small decimal status; -2 if it is not one.
    @inline(__always)
    private static func parseStatus(_ bytes: UnsafeRawBufferPointer) -> Int16 {
        guard !bytes.isEmpty, bytes.count <= 4 else { return -2 }
        var value: Int16 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return -2 }
            value = value * 10 + Int16(byte - 0x30)
        }
        return value
    }
}
