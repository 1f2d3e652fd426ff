import HTTP2

/// The tcp-echo protocol as a load session: one request at a time per connection, the
/// payload out, then exactly as many bytes back.
final class EchoSession: LoadSession {
    /// Where the one stream of the connection is.
    enum State {
        /// Nothing out: a request may go.
        case idle
        /// A request is out since `sentNs`, its latency counting from `startNs`; `written`
        /// bytes of it are handed to the socket and `received` bytes of its echo are back.
        case awaiting(startNs: UInt64, sentNs: UInt64, written: Int, received: Int)
        /// The connection is gone or stopping: nothing more happens.
        case closed
    }

    private(set) var state = State.idle
    private let payload: EchoPayload
    private let clock: LoadClock
    private unowned let delegate: any LoadSessionDelegate

    init(payload: EchoPayload, clock: LoadClock, delegate: any LoadSessionDelegate) {
        self.payload = payload
        self.clock = clock
        self.delegate = delegate
    }

    /// A byte stream needs no handshake.
    var isEstablished: Bool { true }

    var freeSlots: Int {
        if case .idle = state { 1 } else { 0 }
    }

    var oldestInFlightStartNs: UInt64? {
        if case .awaiting(let startNs, _, _, _) = state { return startNs }
        return nil
    }

    var requestsInFlight: Int {
        if case .awaiting = state { 1 } else { 0 }
    }

    /// A byte stream only ends when the socket does.
    var finishedReason: String? { nil }

    func submit(startNs: UInt64, nowNs: UInt64) -> Bool {
        guard case .idle = state else { return false }
        state = .awaiting(startNs: startNs, sentNs: nowNs, written: 0, received: 0)
        return true
    }

    func produceOutput(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        switch state {
        case .awaiting(let startNs, let sentNs, let written, let received) where written < payload.bytes.count:
            let count = min(payload.bytes.count - written, max(limit - buffer.count, 0))
            guard count > 0 else { return true }
            buffer.append(UnsafeRawBufferPointer(rebasing: payload.bytes[written..<(written + count)]))
            state = .awaiting(startNs: startNs, sentNs: sentNs, written: written + count, received: received)
            return true
        case .closed:
            return false
        case .idle, .awaiting:
            return true
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard case .awaiting(let startNs, let sentNs, let written, let already) = state else {
            // Bytes nobody asked for: the stream is out of step and cannot be trusted again.
            delegate.sessionFinishedCall(.connection, latencyNs: 0)
            state = .closed
            return false
        }
        let total = already + bytes.count
        if total < payload.bytes.count {
            state = .awaiting(startNs: startNs, sentNs: sentNs, written: written, received: total)
            return true
        }
        let now = clock.now()
        state = .idle
        guard total == payload.bytes.count else {
            // More came back than went out.
            delegate.sessionFinishedCall(.connection, latencyNs: 0)
            state = .closed
            return false
        }
        delegate.sessionFinishedCall(.success, latencyNs: now > startNs ? now - startNs : 0)
        return true
    }

    func expire(sentBefore deadlineNs: UInt64, nowNs: UInt64) -> Bool {
        guard case .awaiting(let startNs, let sentNs, _, _) = state, sentNs < deadlineNs else { return false }
        delegate.sessionFinishedCall(.timeout, latencyNs: nowNs > startNs ? nowNs - startNs : 0)
        state = .closed
        // A late echo cannot be skipped on a byte stream: the connection goes and comes back.
        return true
    }

    func fail() {
        if case .awaiting(let startNs, _, _, _) = state {
            let now = clock.now()
            delegate.sessionFinishedCall(.connection, latencyNs: now > startNs ? now - startNs : 0)
        }
        state = .closed
    }

    /// A byte stream's goodbye is its close, once the echo in flight is back; the generator
    /// starts nothing new meanwhile.
    func retire() {}

    func terminate() {
        state = .closed
    }
}
