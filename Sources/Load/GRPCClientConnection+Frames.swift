import HTTP2

/// What the connection does with an answer's header fields and body, once
/// `GRPCClientConnection+Inbound.swift` has read the frames: the gRPC verdict on each call and
/// HTTP/2's rules for a response (RFC 9113 §8.1, §8.3.2).
extension GRPCClientConnection {
    /// The slot whose stream is `streamID`: the one found last time when it still is (a
    /// response's frames arrive together), else the stream table's.
    @inline(__always)
    func slot(of streamID: Int32) -> Int? {
        guard streamID != 0 else { return nil }
        if slots[lastSlot].streamID == streamID, slots[lastSlot].headersSent { return lastSlot }
        guard let slot = streams.slot(of: streamID) else { return nil }
        lastSlot = slot
        return slot
    }

    /// A header block of `slot`'s answer ended well-formed field by field.
    func answerBlockEnded(_ slot: Int, endsStream: Bool) {
        guard headerBlockEnded(slot, endsStream: endsStream) else {
            malformedAnswer(slot)
            return
        }
        slots[slot].answerHeadersSeen = true
        if endsStream { responseEnded(slot) }
    }

    /// DATA of `slot`'s answer ended; `header` tells whether it ended the stream.
    func dataEnded(_ header: HTTP2Frame.Header, slot: Int?) {
        guard header.has(HTTP2Frame.Flag.endStream), let slot else { return }
        guard bodyMatchesLength(slot) else {
            malformedAnswer(slot)
            return
        }
        responseEnded(slot)
    }

    /// One field of a header block of `slot`'s answer; false if it breaks the answer (the rest
    /// of the block is skipped and the call fails when it ends). `endsStream`: the block's
    /// HEADERS ended the stream (trailers, or a trailers-only answer).
    func answerField(
        _ slot: Int, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, endsStream: Bool
    ) -> Bool {
        if name.equals(GRPCHeader.status) {
            // Once, before any field, and only in the response's headers (RFC 9113 §8.3.2).
            guard !isTrailers(slot), !slots[slot].fieldSeen, slots[slot].httpStatus == 0, value.count == 3 else {
                return false
            }
            let status = Self.parseStatus(value)
            guard status >= 100, status != 101 else { return false }
            slots[slot].httpStatus = status
            return true
        }
        slots[slot].fieldSeen = true
        if name.equals(GRPCHeader.grpcStatus), endsStream {
            // Only a block that ends the stream carries the call's status: the trailers, or a
            // trailers-only response.
            slots[slot].grpcStatus = Self.parseStatus(value)
        } else if name.equals(GRPCHeader.encoding) {
            slots[slot].responseGzip = value.equals(GRPCHeader.gzip)
        } else if name.equals(GRPCHeader.grpcMessage), !value.isEmpty, endsStream {
            // Why the call failed, in the server's words; the call is concluded when this
            // block ends, before any other stream's headers.
            pendingStatusMessage = GRPCStatusCode.decodeMessage(value)
        } else if !Self.allowsField(name, value, in: &slots[slot]) {
            return false
        }
        return true
    }

    /// Body bytes of `slot`'s answer.
    func dataArrived(_ bytes: UnsafeRawBufferPointer, on slot: Int) {
        slots[slot].bodyBytes += Int64(bytes.count)
        // A body needs final response headers first, and stays within its content-length.
        if slots[slot].httpStatus == 0
            || (slots[slot].contentLength >= 0 && slots[slot].bodyBytes > slots[slot].contentLength)
        {
            if slots[slot].phase != .finishing { malformedAnswer(slot) }
            return
        }
        let completed = completeMessages(on: slot, in: bytes)
        if slots[slot].undecodable {
            // A message that does not decode fails the call, as any gRPC client fails it.
            if slots[slot].phase == .awaiting {
                conclude(slot, .protocolViolation, nowNs: clock.now())
                reset(slot, code: HTTP2Frame.ErrorCode.cancel)
            }
            return
        }
        guard completed > 0 else { return }
        switch template.call {
        case .unary, .clientStreaming:
            slots[slot].messages &+= UInt32(completed)
        case .serverStreaming:
            slots[slot].messages &+= UInt32(completed)
            guard slots[slot].phase == .awaiting else { return }
            let now = clock.now()
            for _ in 0..<completed { messageCompleted(slot, nowNs: now) }
        case .stream:
            for _ in 0..<completed { messageArrived(on: slot) }
        }
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
                    guard gzip.inflates(body) else {
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
            reset(slot, code: HTTP2Frame.ErrorCode.cancel)
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
            reset(slot, code: HTTP2Frame.ErrorCode.noError)
        }
    }

    /// Bidi: sends END_STREAM on `slot`'s stream; the slot is free again once the server ended it.
    private func halfClose(_ slot: Int) {
        setPhase(slot, .finishing)
        slots[slot].halfClosing = true
        enqueue(slot)
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
        if slots[slot].localEnded {
            streamClosed(slot, errorCode: HTTP2Frame.ErrorCode.noError)
        } else if !slots[slot].resetOwed {
            // A stream call's request never ends by itself (and a unary one may still be
            // sending): close our side with a reset, which frees the slot once it is out.
            reset(slot, code: HTTP2Frame.ErrorCode.noError)
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

    // MARK: HTTP/2's rules for an answer

    /// True if the block being read is trailers: a later header block, after the final
    /// response's.
    @inline(__always)
    private func isTrailers(_ slot: Int) -> Bool {
        slots[slot].answerHeadersSeen && !slots[slot].awaitingFinalHeaders
    }

    /// A header block of `slot`'s answer is complete: false if it breaks HTTP/2's rules as a
    /// whole (RFC 9113 §8.1): response headers without a status, an interim (1xx) response
    /// that ends the stream, trailers that do not, a body short of its content-length.
    private func headerBlockEnded(_ slot: Int, endsStream: Bool) -> Bool {
        slots[slot].fieldSeen = false
        if isTrailers(slot) { return endsStream && bodyMatchesLength(slot) }
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

    /// `slot`'s answer broke HTTP/2's rules: its call fails (`outcomeOfUnfinishedStream`) and
    /// the stream is reset.
    func malformedAnswer(_ slot: Int) {
        switch slots[slot].phase {
        case .awaiting:
            conclude(
                slot, outcomeOfUnfinishedStream(slots[slot], errorCode: HTTP2Frame.ErrorCode.protocolError),
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
        reset(slot, code: HTTP2Frame.ErrorCode.protocolError)
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
