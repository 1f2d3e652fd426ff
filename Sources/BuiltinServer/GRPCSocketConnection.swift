import HTTP2
import TLS
import UV

/// Binds a `GRPCServerConnection` to an accepted TCP socket. After each read (and each
/// finished write) everything the session has ready goes out as one batch: assembled in the
/// loop's `WriteScratch`, written with `uv_try_write`, and only the part the kernel refuses
/// is copied into this connection's buffers and written asynchronously. Over TLS the session's
/// output is encrypted into the batch and reads are decrypted before the session sees them.
final class GRPCSocketConnection: ListenerConnection, BuiltinDelayedInput {
    /// Where the connection is in its life.
    enum State {
        case open
        /// The session failed; what it still has to say (a GOAWAY) goes out, then close.
        case flushingThenClose
        case closed
    }

    /// Largest batch assembled before it is written.
    private static let batchLimit = 256 * 1024
    /// Output queued behind a slow client beyond which the connection stops reading, so a
    /// client that sends but does not read cannot grow the server's memory.
    private static let backlogLimit = 256 * 1024

    private let tcp: TCP
    private let session: GRPCServerConnection
    private let scratch: WriteScratch
    private let readBufferSize: Int
    private let onClose: (GRPCSocketConnection) -> Void
    private var state = State.open
    /// Bytes handed to `uv_write`; untouched until its completion runs.
    private var inflight = ByteBuffer()
    /// Output produced while `inflight` is being written.
    private var backlog = ByteBuffer()
    private var writing = false
    private var readingPaused = false
    /// Known-answer server: holds every read back by the reply delay.
    private let delayLine: BuiltinDelayLine?
    /// TLS: the loop's context and this connection's stream; nil in cleartext.
    private let tlsContext: TLSContext?
    private let tls: TLSStream?

    init(
        tcp: TCP, settings: GRPCServerSettings, scratch: WriteScratch, tls: TLSContext? = nil,
        delayLine: BuiltinDelayLine? = nil, onClose: @escaping (GRPCSocketConnection) -> Void
    ) {
        self.tlsContext = tls
        self.tls = tls.flatMap { TLSStream(context: $0) }
        self.tcp = tcp
        self.delayLine = delayLine
        self.session = GRPCServerConnection(settings: settings)
        self.scratch = scratch
        self.readBufferSize = settings.readBufferSize
        self.onClose = onClose
    }

    func start() {
        try? tcp.setNoDelay(true)
        tcp.readBufferSize = readBufferSize
        // Bytes are consumed inside the read callback, so the loop's one buffer serves every connection.
        tcp.sharesLoopReadBuffer = true
        startReading()
        flush()  // the server's SETTINGS go out without waiting for the client
    }

    /// Closes at once, after a best-effort GOAWAY so the client knows no call was lost in
    /// transit (used when the server shuts down).
    func close() {
        guard state != .closed else { return }
        if state == .open && !writing {
            session.terminate()
            scratch.buffer.clear()
            if drain(into: &scratch.buffer, limit: Self.batchLimit) {
                _ = try? tcp.tryWrite(scratch.buffer.readable)
            }
            scratch.buffer.clear()
        }
        abort()
    }

    /// Closes without a goodbye.
    private func abort() {
        guard state != .closed else { return }
        state = .closed
        tcp.close()
        onClose(self)
    }

    private func startReading() {
        do {
            try tcp.startReading(
                onData: { [unowned self] bytes in
                    if let delayLine = self.delayLine { delayLine.enqueue(bytes, for: self) } else { self.received(bytes) }
                },
                onEnd: { [unowned self] _ in self.abort() })
        } catch {
            abort()
        }
    }

    func deliverDelayed(_ bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard state == .open else { return }
        let fed = tls.map { tls in tls.receive(bytes) { [session] in session.feed($0) } && tls.failure == nil }
        if !(fed ?? session.feed(bytes)) {
            state = .flushingThenClose
            tcp.stopReading()
        }
        flush()
    }

    /// Sends what the session has ready.
    private func flush() {
        guard state != .closed else { return }
        if writing {
            // The socket is busy: queue behind the write in flight.
            guard drain(into: &backlog, limit: Self.backlogLimit) else { return abort() }
            if backlog.count >= Self.backlogLimit && !readingPaused {
                readingPaused = true
                tcp.stopReading()
            }
            return
        }
        while true {
            scratch.buffer.clear()
            guard drain(into: &scratch.buffer, limit: Self.batchLimit) else { return abort() }
            let batch = scratch.buffer.readable
            guard !batch.isEmpty else { break }
            let written: Int
            do {
                written = try tcp.tryWrite(batch)
            } catch {
                return abort()
            }
            if written < batch.count {
                inflight.append(UnsafeRawBufferPointer(rebasing: batch[written...]))
                scratch.buffer.clear()
                startWrite()
                return
            }
            // A batch cut short at the limit means the session may have more.
            if batch.count < Self.batchLimit { break }
        }
        scratch.buffer.clear()
        closeIfFinished()
    }

    /// What the session has ready, up to about `limit` bytes, encrypted over TLS (before the
    /// handshake is done only TLS's own records go). False if the session failed.
    private func drain(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        guard let tls, let tlsContext else { return session.drain(into: &buffer, limit: limit) }
        guard tls.isHandshakeDone, tls.failure == nil else {
            tls.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &buffer)
            return true
        }
        tlsContext.plaintext.buffer.clear()
        guard session.drain(into: &tlsContext.plaintext.buffer, limit: limit) else { return false }
        tls.produce(tlsContext.plaintext.buffer.readable, into: &buffer)
        return true
    }

    private func startWrite() {
        writing = true
        // The completion holds `self`, and so `inflight`, until libuv is done with the bytes.
        tcp.write(inflight.readable) { error in self.didWrite(error) }
    }

    private func didWrite(_ error: UVError?) {
        writing = false
        inflight.clear()
        guard state != .closed else { return }
        guard error == nil else { return abort() }
        if !backlog.isEmpty {
            inflight.swapContents(with: &backlog)
            guard drain(into: &inflight, limit: Self.batchLimit) else { return abort() }
            startWrite()
        } else {
            // Caught up: hand the slow-path memory back, idle connections should be small.
            inflight.release(above: 0)
            backlog.release(above: 0)
            flush()
        }
        if readingPaused && state == .open && backlog.count < Self.backlogLimit / 2 {
            readingPaused = false
            startReading()
        }
    }

    private func closeIfFinished() {
        guard !writing else { return }
        if state == .flushingThenClose || session.isDone { abort() }
    }
}
