import HTTP2

/// What the connection writes: frames serialised straight into the owner's output buffer
/// when `produceOutput` asks, from what is owed (nothing is kept as bytes in between, so an
/// idle connection holds no buffer).
extension GRPCClientConnection {
    /// Our SETTINGS: no push, and a large stream window so answers are not held back waiting
    /// for WINDOW_UPDATEs (the data is consumed at once, so this costs no memory).
    static let settings: [(UInt16, UInt32)] = [
        (HTTP2Frame.Setting.enablePush, 0), (HTTP2Frame.Setting.initialWindowSize, UInt32(streamWindow))
    ]
    /// Per-stream receive window announced to the server.
    static let streamWindow = 1 << 20
    /// Connection receive window, raised with a WINDOW_UPDATE right after the preface.
    static let connectionWindow = 1 << 24

    /// True while anything is owed to the server.
    var hasOutput: Bool {
        prefaceOwed || settingsAcksOwed > 0 || !pingAcksOwed.isEmpty || !sendQueue.isEmpty
            || connectionReceiveUnacked >= Self.connectionWindow / 2 || (goawayOwed != nil && !goawaySent)
    }

    /// Writes what is owed until `buffer` holds `limit` bytes: connection-level frames first,
    /// then each queued stream's in order, GOAWAY last.
    func write(into buffer: inout ByteBuffer, limit: Int) {
        if prefaceOwed {
            prefaceOwed = false
            writePreface(into: &buffer)
        }
        while settingsAcksOwed > 0 {
            settingsAcksOwed -= 1
            writeFrame(HTTP2Frame.Kind.settings, flags: HTTP2Frame.Flag.ack, stream: 0, into: &buffer)
        }
        if !pingAcksOwed.isEmpty {
            for payload in pingAcksOwed {
                writeFrame(HTTP2Frame.Kind.ping, flags: HTTP2Frame.Flag.ack, stream: 0, payload: payload, into: &buffer)
            }
            pingAcksOwed = []
        }
        if connectionReceiveUnacked >= Self.connectionWindow / 2 {
            writeWindowUpdate(stream: 0, increment: connectionReceiveUnacked, into: &buffer)
            connectionReceiveUnacked = 0
        }
        while buffer.count < limit, let slot = sendQueue.pop() {
            slots[slot].queued = false
            writeStream(of: slot, into: &buffer, limit: limit)
        }
        if let code = goawayOwed, !goawaySent, sendQueue.isEmpty {
            goawaySent = true
            writeGoaway(code, into: &buffer)
        }
    }

    /// `slot`'s frames: its reset, a WINDOW_UPDATE for its answer, its HEADERS, its body as far
    /// as the windows allow.
    private func writeStream(of slot: Int, into buffer: inout ByteBuffer, limit: Int) {
        // After a connection error only its GOAWAY goes out.
        guard connectionError == nil else { return }
        if slots[slot].resetOwed {
            writeRSTStream(slots[slot].streamID, code: slots[slot].resetCode, into: &buffer)
            streamClosed(slot, errorCode: slots[slot].resetCode)
            return
        }
        guard slots[slot].opened else { return }
        if slots[slot].receiveUnacked >= Int32(Self.streamWindow / 2), !slots[slot].remoteEnded {
            writeWindowUpdate(stream: slots[slot].streamID, increment: Int(slots[slot].receiveUnacked), into: &buffer)
            slots[slot].receiveUnacked = 0
        }
        if !slots[slot].headersSent {
            // The call may have been cancelled while queued; stopping sends no new stream.
            guard slots[slot].phase == .awaiting, state != .terminated else { return }
            writeHeaders(of: slot, into: &buffer)
        }
        writeBody(of: slot, into: &buffer, limit: limit)
    }

    /// The request's HEADERS on the next stream ID (CONTINUATION frames if the block is longer
    /// than the server's frame size).
    private func writeHeaders(of slot: Int, into buffer: inout ByteBuffer) {
        let stream = nextStreamID
        nextStreamID += 2
        slots[slot].streamID = stream
        slots[slot].headersSent = true
        slots[slot].sendWindow = Int32(clamping: peerInitialWindow)
        streams.insert(stream, slot: slot)
        let block: [UInt8]
        switch headerMode {
        case .indexing:
            block = template.blocks.indexing
            headerMode = .indexed
        case .indexed: block = template.blocks.indexed
        case .literal: block = template.blocks.literal
        }
        if let update = tableSizeUpdate {
            tableSizeUpdate = nil
            writeHeaderBlock(update + block, stream: stream, into: &buffer)
        } else {
            writeHeaderBlock(block, stream: stream, into: &buffer)
        }
    }

    private func writeHeaderBlock(_ block: [UInt8], stream: Int32, into buffer: inout ByteBuffer) {
        var offset = 0
        var kind = HTTP2Frame.Kind.headers
        repeat {
            let length = min(block.count - offset, peerMaxFrameBytes)
            let last = offset + length == block.count
            block.withUnsafeBytes { bytes in
                buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + length) { target in
                    HTTP2Frame.writeHeader(
                        length: length, kind: kind, flags: last ? HTTP2Frame.Flag.endHeaders : 0, stream: stream, to: target)
                    (target + HTTP2Frame.headerBytes).copyMemory(from: bytes.baseAddress! + offset, byteCount: length)
                    return HTTP2Frame.headerBytes + length
                }
            }
            offset += length
            kind = HTTP2Frame.Kind.continuation
        } while offset < block.count
    }

    /// DATA frames of `slot`'s request messages, as far as the windows and the frame size
    /// allow; END_STREAM with the last one (unary, server streaming, client streaming after
    /// its messages; a stream call's half-close is an empty one).
    private func writeBody(of slot: Int, into buffer: inout ByteBuffer, limit: Int) {
        while slots[slot].headersSent, !slots[slot].localEnded, state != .terminated {
            if template.call == .stream, !slots[slot].sendPending {
                guard slots[slot].halfClosing else { return }
                writeEndStream(slot, into: &buffer)
                return
            }
            if buffer.count >= limit {
                enqueue(slot)
                return
            }
            let message = template.message(slots[slot].messageIndex)
            let offset = Int(slots[slot].sendOffset)
            let allowed = min(connectionSendWindow, Int(slots[slot].sendWindow), peerMaxFrameBytes)
            guard allowed > 0 else {
                // Held back by flow control: the server's WINDOW_UPDATE queues the slot again.
                if connectionSendWindow <= 0 { connectionBlocked = true }
                return
            }
            let count = min(message.count - offset, allowed)
            var endStream = false
            var messageDone = false
            if offset + count == message.count {
                messageDone = true
                switch template.call {
                case .unary, .serverStreaming: endStream = true
                case .stream: slots[slot].sendPending = false
                case .clientStreaming:
                    slots[slot].messagesSent += 1
                    endStream = Int(slots[slot].messagesSent) >= template.messagesPerStream
                }
            }
            buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + count) { target in
                HTTP2Frame.writeHeader(
                    length: count, kind: HTTP2Frame.Kind.data, flags: endStream ? HTTP2Frame.Flag.endStream : 0,
                    stream: slots[slot].streamID, to: target)
                (target + HTTP2Frame.headerBytes).copyMemory(from: message.baseAddress! + offset, byteCount: count)
                return HTTP2Frame.headerBytes + count
            }
            connectionSendWindow -= count
            slots[slot].sendWindow -= Int32(count)
            if messageDone, template.call == .clientStreaming, !endStream {
                slots[slot].messageIndex = template.nextMessage()
                slots[slot].sendOffset = 0
            } else {
                slots[slot].sendOffset = Int32(offset + count)
            }
            if endStream {
                endedLocally(slot)
                return
            }
        }
    }

    /// An empty DATA frame with END_STREAM: a stream call's half-close.
    private func writeEndStream(_ slot: Int, into buffer: inout ByteBuffer) {
        writeFrame(HTTP2Frame.Kind.data, flags: HTTP2Frame.Flag.endStream, stream: slots[slot].streamID, into: &buffer)
        endedLocally(slot)
    }

    /// Our END_STREAM went out: the stream closes if the server's side already ended.
    private func endedLocally(_ slot: Int) {
        slots[slot].localEnded = true
        if slots[slot].remoteEnded { streamClosed(slot, errorCode: HTTP2Frame.ErrorCode.noError) }
    }

    // MARK: Frames

    private func writePreface(into buffer: inout ByteBuffer) {
        let preface = HTTP2Frame.clientPreface
        buffer.append(UnsafeRawBufferPointer(start: preface.utf8Start, count: preface.utf8CodeUnitCount))
        let settings = Self.settings
        buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + 6 * settings.count) { target in
            HTTP2Frame.writeHeader(
                length: 6 * settings.count, kind: HTTP2Frame.Kind.settings, flags: 0, stream: 0, to: target)
            var at = target + HTTP2Frame.headerBytes
            for (identifier, value) in settings {
                at.storeBytes(of: identifier.bigEndian, as: UInt16.self)
                HTTP2Frame.writeUInt32(value, to: at + 2)
                at += 6
            }
            return HTTP2Frame.headerBytes + 6 * settings.count
        }
        writeWindowUpdate(stream: 0, increment: Self.connectionWindow - HTTP2Frame.defaultWindow, into: &buffer)
    }

    /// A frame with no payload, or with an 8-byte one (PING).
    private func writeFrame(_ kind: UInt8, flags: UInt8, stream: Int32, payload: UInt64? = nil, into buffer: inout ByteBuffer) {
        let length = payload == nil ? 0 : 8
        buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + length) { target in
            HTTP2Frame.writeHeader(length: length, kind: kind, flags: flags, stream: stream, to: target)
            if let payload { (target + HTTP2Frame.headerBytes).storeBytes(of: payload, as: UInt64.self) }
            return HTTP2Frame.headerBytes + length
        }
    }

    private func writeWindowUpdate(stream: Int32, increment: Int, into buffer: inout ByteBuffer) {
        writeWord(HTTP2Frame.Kind.windowUpdate, stream: stream, UInt32(increment), into: &buffer)
    }

    private func writeRSTStream(_ stream: Int32, code: UInt32, into buffer: inout ByteBuffer) {
        writeWord(HTTP2Frame.Kind.rstStream, stream: stream, code, into: &buffer)
    }

    /// A frame whose payload is one 32-bit word (WINDOW_UPDATE, RST_STREAM).
    private func writeWord(_ kind: UInt8, stream: Int32, _ word: UInt32, into buffer: inout ByteBuffer) {
        buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + 4) { target in
            HTTP2Frame.writeHeader(length: 4, kind: kind, flags: 0, stream: stream, to: target)
            HTTP2Frame.writeUInt32(word, to: target + HTTP2Frame.headerBytes)
            return HTTP2Frame.headerBytes + 4
        }
    }

    /// GOAWAY: the server opens no streams to us, so the last stream we processed is 0.
    private func writeGoaway(_ code: UInt32, into buffer: inout ByteBuffer) {
        buffer.appendInPlace(reserving: HTTP2Frame.headerBytes + 8) { target in
            HTTP2Frame.writeHeader(length: 8, kind: HTTP2Frame.Kind.goaway, flags: 0, stream: 0, to: target)
            HTTP2Frame.writeUInt32(0, to: target + HTTP2Frame.headerBytes)
            HTTP2Frame.writeUInt32(code, to: target + HTTP2Frame.headerBytes + 4)
            return HTTP2Frame.headerBytes + 8
        }
    }
}
