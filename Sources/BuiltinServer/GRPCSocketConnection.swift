import HTTP2
import UV

/// Binds a `GRPCServerConnection` to an accepted TCP socket. After each read (and each
/// finished write) everything the session has ready goes out as one batch: assembled in the
/// loop's `WriteScratch`, written with `uv_try_write`, and only the part the kernel refuses
/// is copied into this connection's buffers and written asynchronously.
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

    init(
        tcp: TCP, settings: GRPCServerSettings, scratch: WriteScratch, delayLine: BuiltinDelayLine? = nil,
        onClose: @escaping (GRPCSocketConnection) -> Void
    ) {
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
            if session.drain(into: &scratch.buffer, limit: Self.batchLimit) {
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
        if !session.feed(bytes) {
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
            guard session.drain(into: &backlog, limit: Self.backlogLimit) else { return abort() }
            if backlog.count >= Self.backlogLimit && !readingPaused {
                readingPaused = true
                tcp.stopReading()
            }
            return
        }
        while true {
            scratch.buffer.clear()
            guard session.drain(into: &scratch.buffer, limit: Self.batchLimit) else { return abort() }
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
            guard session.drain(into: &inflight, limit: Self.batchLimit) else { return abort() }
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
