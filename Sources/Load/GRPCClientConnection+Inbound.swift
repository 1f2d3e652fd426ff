import CNghttp2
import HTTP2

/// Where the frame reader is between two reads.
enum InboundState {
    /// At a frame boundary (a cut frame header gathers in `partial`).
    case frameHeader
    /// Inside a DATA frame's payload: `remaining` bytes of it still to come, the last
    /// `padding` of them padding (`padLengthPending` while its first byte, the pad length, has
    /// not arrived); its slot, nil for a stream no slot holds any more.
    case data(HTTP2Frame.Header, slot: Int?, remaining: Int, padding: Int, padLengthPending: Bool)
    /// Gathering the payload of a frame of another type in `partial`.
    case gathering(HTTP2Frame.Header)
}

/// How the connection reads the server's frames: DATA payload is handed on as it arrives, any
/// other frame is handled whole (in place when the read holds it, else gathered first).
extension GRPCClientConnection {
    /// Reads `bytes` from the server.
    func read(_ bytes: UnsafeRawBufferPointer) {
        var input = bytes
        while !input.isEmpty, connectionError == nil, state != .closed {
            switch inbound {
            case .frameHeader:
                if partial.isEmpty, input.count >= HTTP2Frame.headerBytes {
                    let header = HTTP2Frame.Header(input)
                    input = UnsafeRawBufferPointer(rebasing: input[HTTP2Frame.headerBytes...])
                    begin(header)
                } else {
                    let take = min(HTTP2Frame.headerBytes - partial.count, input.count)
                    partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[..<take]))
                    input = UnsafeRawBufferPointer(rebasing: input[take...])
                    guard partial.count == HTTP2Frame.headerBytes else { continue }
                    let header = partial.withUnsafeBytes { HTTP2Frame.Header($0) }
                    partial = []
                    begin(header)
                }
            case .data(let header, let slot, var remaining, var padding, let padLengthPending):
                if padLengthPending {
                    padding = Int(input[0])
                    remaining -= 1
                    input = UnsafeRawBufferPointer(rebasing: input[1...])
                    guard padding <= remaining else {
                        connectionFailed(HTTP2Frame.ErrorCode.protocolError)
                        return
                    }
                }
                let take = min(remaining, input.count)
                let content = max(0, min(take, remaining - padding))
                if content > 0, let slot {
                    dataArrived(UnsafeRawBufferPointer(rebasing: input[..<content]), on: slot)
                }
                input = UnsafeRawBufferPointer(rebasing: input[take...])
                remaining -= take
                if remaining == 0 {
                    inbound = .frameHeader
                    dataEnded(header, slot: slot)
                } else {
                    inbound = .data(header, slot: slot, remaining: remaining, padding: padding, padLengthPending: false)
                }
            case .gathering(let header):
                if partial.isEmpty, input.count >= header.length {
                    inbound = .frameHeader
                    let payload = UnsafeRawBufferPointer(rebasing: input[..<header.length])
                    input = UnsafeRawBufferPointer(rebasing: input[header.length...])
                    handle(header, payload)
                } else {
                    let take = min(header.length - partial.count, input.count)
                    partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[..<take]))
                    input = UnsafeRawBufferPointer(rebasing: input[take...])
                    guard partial.count == header.length else { continue }
                    inbound = .frameHeader
                    let whole = partial
                    partial = []
                    whole.withUnsafeBytes { handle(header, $0) }
                }
            }
        }
    }

    /// A frame header arrived: checks what can be checked before the payload and decides how
    /// the payload is read.
    private func begin(_ header: HTTP2Frame.Header) {
        if continuationStream != 0, header.kind != HTTP2Frame.Kind.continuation || header.stream != continuationStream {
            return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
        }
        // The server's preface is its SETTINGS: anything else is not an HTTP/2 server.
        guard settingsReceived || header.kind == HTTP2Frame.Kind.settings else {
            return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
        }
        // We never announce more than the default frame size.
        guard header.length <= HTTP2Frame.defaultMaxFrameBytes else {
            return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError)
        }
        guard header.kind == HTTP2Frame.Kind.data else {
            if header.length == 0 {
                handle(header, UnsafeRawBufferPointer(start: nil, count: 0))
            } else {
                inbound = .gathering(header)
            }
            return
        }
        guard header.stream != 0, isKnownStream(header.stream) else {
            return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
        }
        // The whole payload counts against the windows, padding included.
        connectionReceiveUnacked += header.length
        guard connectionReceiveUnacked <= Self.connectionWindow else {
            return connectionFailed(HTTP2Frame.ErrorCode.flowControlError)
        }
        var slot = slot(of: header.stream)
        if let known = slot {
            slots[known].receiveUnacked += Int32(header.length)
            if slots[known].receiveUnacked > Int32(Self.streamWindow) || slots[known].remoteEnded {
                // Beyond the stream's window, or after its END_STREAM: the stream is broken.
                malformedAnswer(known)
                slot = nil
            } else if slots[known].receiveUnacked >= Int32(Self.streamWindow / 2) {
                enqueue(known)
            }
        }
        let padded = header.has(HTTP2Frame.Flag.padded)
        if padded, header.length == 0 { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
        if header.length == 0 {
            dataEnded(header, slot: slot)
        } else {
            inbound = .data(header, slot: slot, remaining: header.length, padding: 0, padLengthPending: padded)
        }
    }

    /// True for a stream we opened (maybe closed since); a frame on any other (one the server
    /// would have opened, or one not opened yet) breaks the protocol.
    @inline(__always)
    private func isKnownStream(_ stream: Int32) -> Bool {
        stream & 1 == 1 && stream < nextStreamID
    }

    /// A whole frame other than DATA.
    private func handle(_ header: HTTP2Frame.Header, _ payload: UnsafeRawBufferPointer) {
        switch header.kind {
        case HTTP2Frame.Kind.headers: headersFrame(header, payload)
        case HTTP2Frame.Kind.continuation:
            guard continuationStream != 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            headerFragment(payload, stream: header.stream, ends: header.has(HTTP2Frame.Flag.endHeaders))
        case HTTP2Frame.Kind.settings: settingsFrame(header, payload)
        case HTTP2Frame.Kind.ping:
            guard header.stream == 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            guard payload.count == 8 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
            if !header.has(HTTP2Frame.Flag.ack) { pingAcksOwed.append(payload.loadUnaligned(as: UInt64.self)) }
        case HTTP2Frame.Kind.goaway:
            guard header.stream == 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            guard payload.count >= 8 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
            goaway(lastStream: Int32(bitPattern: HTTP2Frame.readUInt32(payload, at: 0) & 0x7FFF_FFFF))
        case HTTP2Frame.Kind.rstStream:
            guard header.stream != 0, isKnownStream(header.stream) else {
                return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
            }
            guard payload.count == 4 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
            guard let slot = slot(of: header.stream) else { return }
            slots[slot].resetByPeer = true
            streamClosed(slot, errorCode: HTTP2Frame.readUInt32(payload, at: 0))
        case HTTP2Frame.Kind.windowUpdate: windowUpdate(header, payload)
        case HTTP2Frame.Kind.pushPromise:
            // We said SETTINGS_ENABLE_PUSH 0.
            connectionFailed(HTTP2Frame.ErrorCode.protocolError)
        case HTTP2Frame.Kind.priority:
            guard header.stream != 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            guard payload.count == 5 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
        default:
            // Unknown frame types are ignored (RFC 9113 §4.1).
            break
        }
    }

    // MARK: Header blocks

    private func headersFrame(_ header: HTTP2Frame.Header, _ payload: UnsafeRawBufferPointer) {
        guard header.stream != 0, isKnownStream(header.stream) else {
            return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
        }
        var fragment = payload
        if header.has(HTTP2Frame.Flag.padded) {
            guard !fragment.isEmpty, Int(fragment[0]) < fragment.count else {
                return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
            }
            let padding = Int(fragment[0])
            fragment = UnsafeRawBufferPointer(rebasing: fragment[1..<(fragment.count - padding)])
        }
        if header.has(HTTP2Frame.Flag.priority) {
            guard fragment.count >= 5 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
            fragment = UnsafeRawBufferPointer(rebasing: fragment[5...])
        }
        continuationStream = header.stream
        continuationEndsStream = header.has(HTTP2Frame.Flag.endStream)
        if let slot = slot(of: header.stream) {
            slots[slot].fieldSeen = false
            slots[slot].blockRejected = false
        }
        headerFragment(fragment, stream: header.stream, ends: header.has(HTTP2Frame.Flag.endHeaders))
    }

    /// Decodes a piece of the header block of `stream` (every block, even of a stream no slot
    /// holds, goes through the decoder, which must see them all); `ends` on the last piece.
    private func headerFragment(_ fragment: UnsafeRawBufferPointer, stream: Int32, ends: Bool) {
        guard let headerDecoder else { return }
        let slot = slot(of: stream)
        let endsStream = continuationEndsStream
        var input = fragment
        while true {
            var field = nghttp2_nv()
            var flags: Int32 = 0
            let used = nghttp2_hd_inflate_hd2(
                headerDecoder, &field, &flags, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, ends ? 1 : 0)
            guard used >= 0 else { return connectionFailed(HTTP2Frame.ErrorCode.compressionError) }
            input = UnsafeRawBufferPointer(rebasing: input[used...])
            if flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) != 0, let slot, !slots[slot].blockRejected {
                let accepted = answerField(
                    slot, name: UnsafeRawBufferPointer(start: field.name, count: field.namelen),
                    value: UnsafeRawBufferPointer(start: field.value, count: field.valuelen), endsStream: endsStream)
                if !accepted { slots[slot].blockRejected = true }
            }
            if flags & Int32(NGHTTP2_HD_INFLATE_FINAL.rawValue) != 0 {
                nghttp2_hd_inflate_end_headers(headerDecoder)
                break
            }
            if flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) == 0, input.isEmpty { break }
        }
        guard ends else { return }
        continuationStream = 0
        guard let slot else { return }
        if slots[slot].blockRejected {
            slots[slot].blockRejected = false
            malformedAnswer(slot)
            return
        }
        answerBlockEnded(slot, endsStream: endsStream)
    }

    // MARK: Connection frames

    private func settingsFrame(_ header: HTTP2Frame.Header, _ payload: UnsafeRawBufferPointer) {
        guard header.stream == 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
        if header.has(HTTP2Frame.Flag.ack) {
            guard payload.isEmpty else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
            return
        }
        guard payload.count % 6 == 0 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
        var offset = 0
        while offset < payload.count {
            let identifier = UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])
            let value = HTTP2Frame.readUInt32(payload, at: offset + 2)
            offset += 6
            switch identifier {
            case HTTP2Frame.Setting.headerTableSize:
                serverTable(Int(value))
            case HTTP2Frame.Setting.enablePush:
                // A server never enables push (RFC 9113 §6.5.2).
                guard value == 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            case HTTP2Frame.Setting.maxConcurrentStreams:
                peerMaxStreams = Int(value)
            case HTTP2Frame.Setting.initialWindowSize:
                guard Int(value) <= HTTP2Frame.largestWindow else {
                    return connectionFailed(HTTP2Frame.ErrorCode.flowControlError)
                }
                let delta = Int(value) - peerInitialWindow
                peerInitialWindow = Int(value)
                for slot in 0..<slotCount where slots[slot].headersSent {
                    let window = Int(slots[slot].sendWindow) + delta
                    guard window <= HTTP2Frame.largestWindow else {
                        return connectionFailed(HTTP2Frame.ErrorCode.flowControlError)
                    }
                    slots[slot].sendWindow = Int32(window)
                    if delta > 0, !slots[slot].localEnded { enqueue(slot) }
                }
            case HTTP2Frame.Setting.maxFrameSize:
                guard Int(value) >= HTTP2Frame.defaultMaxFrameBytes, Int(value) <= HTTP2Frame.largestMaxFrameBytes else {
                    return connectionFailed(HTTP2Frame.ErrorCode.protocolError)
                }
                peerMaxFrameBytes = Int(value)
            default:
                // SETTINGS_MAX_HEADER_LIST_SIZE is advisory; unknown settings are ignored.
                break
            }
        }
        settingsAcksOwed += 1
        settingsReceived = true
        becameReady()
        openWaiting()
    }

    /// The server's SETTINGS_HEADER_TABLE_SIZE: our requests' blocks must fit its table, and a
    /// smaller table than HTTP/2's default is acknowledged at the start of the next block.
    private func serverTable(_ bytes: Int) {
        guard bytes < HTTP2Frame.defaultHeaderTableBytes else { return }
        tableSizeUpdate = RequestHeaderBlocks.tableSizeUpdate(bytes)
        if let needed = template.blocks.tableBytes, needed <= bytes { return }
        // Once the first block went out the server holds our entries; from now on, literals only
        // (the update above empties its table as far as it must).
        headerMode = .literal
        tableSizeUpdate = RequestHeaderBlocks.tableSizeUpdate(0)
    }

    private func windowUpdate(_ header: HTTP2Frame.Header, _ payload: UnsafeRawBufferPointer) {
        guard payload.count == 4 else { return connectionFailed(HTTP2Frame.ErrorCode.frameSizeError) }
        let increment = Int(HTTP2Frame.readUInt32(payload, at: 0) & 0x7FFF_FFFF)
        if header.stream == 0 {
            guard increment > 0 else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
            connectionSendWindow += increment
            guard connectionSendWindow <= HTTP2Frame.largestWindow else {
                return connectionFailed(HTTP2Frame.ErrorCode.flowControlError)
            }
            if connectionBlocked {
                connectionBlocked = false
                for slot in 0..<slotCount where slots[slot].headersSent && !slots[slot].localEnded { enqueue(slot) }
            }
            return
        }
        guard isKnownStream(header.stream) else { return connectionFailed(HTTP2Frame.ErrorCode.protocolError) }
        guard let slot = slot(of: header.stream) else { return }
        let window = Int(slots[slot].sendWindow) + increment
        guard increment > 0, window <= HTTP2Frame.largestWindow else { return malformedAnswer(slot) }
        slots[slot].sendWindow = Int32(window)
        if !slots[slot].localEnded { enqueue(slot) }
    }

    /// The server's GOAWAY: no new streams; those above `lastStream` were refused (they fail
    /// because of the connection), the others still end; calls not yet on the wire never will.
    private func goaway(lastStream: Int32) {
        windDown(.goaway)
        goawayLastStream = min(goawayLastStream, lastStream)
        for slot in 0..<slotCount where slots[slot].opened {
            if !slots[slot].headersSent {
                if slots[slot].phase == .awaiting { conclude(slot, .connection, nowNs: clock.now()) }
                reset(slot, code: HTTP2Frame.ErrorCode.refusedStream)
            } else if slots[slot].streamID > goawayLastStream {
                streamClosed(slot, errorCode: HTTP2Frame.ErrorCode.refusedStream)
            }
        }
    }

    /// The server broke HTTP/2's framing: GOAWAY with `code`, and nothing more is read. The
    /// connection is finished once the GOAWAY is out; the owner then fails it, which reports
    /// the calls outstanding.
    func connectionFailed(_ code: UInt32) {
        guard connectionError == nil else { return }
        connectionError = code
        partial = []
        goawayOwed = code
        goawaySent = false
    }
}
