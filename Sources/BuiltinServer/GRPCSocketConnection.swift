import HTTP2
import TLS
import UV

/// Binds a `GRPCServerConnection` to an accepted TCP socket. After each read (and each
/// finished write) everything the session has ready goes out through `SocketOutput`, as the
/// load client's does: batched in the loop's `WriteScratch`, written with `uv_try_write`, and
/// only the part the kernel refuses is kept and written asynchronously, with the answers
/// produced meanwhile gathered behind it up to a limit. Over TLS the session's output is
/// encrypted into the batch and reads are decrypted before the session sees them.
final class GRPCSocketConnection: AcceptedConnection, BuiltinDelayedInput {
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
    private let output = SocketOutput(
        batchLimit: GRPCSocketConnection.batchLimit, backlogLimit: GRPCSocketConnection.backlogLimit)
    /// What an asynchronous write calls when done; built once. Weak: a connection closed with
    /// a write in flight is gone when libuv reports the write cancelled.
    private var writeCompletion: ((UVError?) -> Void)?
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
        writeCompletion = { [weak self] error in self?.didWrite(error) }
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
        if state == .open && !output.isWriting {
            session.terminate()
            output.writeBestEffort(to: tcp, using: scratch) { drain(into: &$0, limit: $1) }
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

    /// Sends what the session has ready; while a write is in flight it gathers behind it, and
    /// reading pauses once that backlog is full.
    private func flush() {
        guard state != .closed else { return }
        switch output.flush(to: tcp, using: scratch, completion: writeCompletion, produce: { drain(into: &$0, limit: $1) }) {
        case .failed:
            abort()
        case .writing:
            if output.backlogCount >= Self.backlogLimit && !readingPaused {
                readingPaused = true
                tcp.stopReading()
            }
        case .caughtUp:
            closeIfFinished()
        }
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

    private func didWrite(_ error: UVError?) {
        guard state != .closed else { return }
        switch output.writeFinished(error, to: tcp, completion: writeCompletion, produce: { drain(into: &$0, limit: $1) }) {
        case .failed: return abort()
        case .writing: break
        case .caughtUp: flush()
        }
        if readingPaused && state == .open && output.backlogCount < Self.backlogLimit / 2 {
            readingPaused = false
            startReading()
        }
    }

    private func closeIfFinished() {
        guard !output.isWriting else { return }
        if state == .flushingThenClose || session.isDone { abort() }
    }
}
