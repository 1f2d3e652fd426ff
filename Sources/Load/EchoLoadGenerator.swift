import Glibc
import UV

/// tcp-echo load on one libuv loop: `connections` sessions, one request in flight each,
/// closed loop (as fast as answers come) or open loop (on a fixed schedule).
///
/// Hot path: the payload is one buffer shared by every session and written without copying;
/// a round trip allocates nothing.
public final class EchoLoadGenerator {
    /// What to drive.
    public struct Parameters {
        public var targetHost: String
        public var targetPort: Int
        public var connections: Int
        public var payloadBytes: Int
        /// Requests per second for this generator; nil = closed loop.
        public var ratePerSecond: Double?
        public var requestTimeoutMs: UInt64
        public var connectTimeoutMs: UInt64

        public init(targetHost: String, targetPort: Int, connections: Int, payloadBytes: Int,
                    ratePerSecond: Double?, requestTimeoutMs: UInt64, connectTimeoutMs: UInt64) {
            self.targetHost = targetHost
            self.targetPort = targetPort
            self.connections = connections
            self.payloadBytes = payloadBytes
            self.ratePerSecond = ratePerSecond
            self.requestTimeoutMs = requestTimeoutMs
            self.connectTimeoutMs = connectTimeoutMs
        }
    }

    /// Connects started at once, so a big count does not overflow the server's accept backlog.
    static let connectBatch = 256

    private let loop: Loop
    private let parameters: Parameters
    private let payload: UnsafeMutableRawBufferPointer
    private var sessions: [EchoSession]
    private var phase: LoadPhase = .connected
    private var connectWindow: ConnectWindow
    private var connectFailures: [String: UInt64] = [:]
    private var connectStartNs: [UInt64]
    private let ticker: Timer
    private var scheduleTimers: [Timer?]
    /// Open loop: nanoseconds between one connection's requests.
    private let intervalNs: UInt64
    /// Open loop: per session, requests that came due while one was out.
    private var backlog: [Int]

    /// Counters since load started and inside the window.
    public private(set) var counters = WindowCounters()
    /// Connections up right now.
    public private(set) var connectionsUp = 0

    public init(loop: Loop, parameters: Parameters) throws {
        self.loop = loop
        self.parameters = parameters
        payload = .allocate(byteCount: max(1, parameters.payloadBytes), alignment: 8)
        for i in 0..<payload.count { payload[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        sessions = (0..<parameters.connections).map(EchoSession.init)
        connectWindow = ConnectWindow(total: parameters.connections, limit: Self.connectBatch)
        connectStartNs = Array(repeating: 0, count: parameters.connections)
        scheduleTimers = Array(repeating: nil, count: parameters.connections)
        backlog = Array(repeating: 0, count: parameters.connections)
        if let rate = parameters.ratePerSecond, rate > 0 {
            intervalNs = UInt64(Double(parameters.connections) / rate * 1e9)
        } else {
            intervalNs = 0
        }
        ticker = try Timer(loop: loop)
    }

    deinit {
        payload.deallocate()
    }

    /// Opens every connection; `completion` gets how many are up and why the others failed.
    public func connect(completion: @escaping (Int, [String: UInt64]) -> Void) {
        phase = .connecting(completion: completion)
        try? ticker.start(after: 100, repeat: 100) { [unowned self] in self.tick() }
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func fillConnectWindow() {
        while let index = connectWindow.takeNext() { open(sessions[index]) }
    }

    private func open(_ session: EchoSession) {
        session.state = .connecting
        connectStartNs[session.index] = Loop.hrtime()
        connectWindow.started()
        do {
            let tcp = try TCP(loop: loop)
            // The loop's one read buffer: a 64 KiB buffer per connection would be 640 MB at 10,000.
            tcp.sharesLoopReadBuffer = true
            session.tcp = tcp
            try tcp.connect(host: parameters.targetHost, port: parameters.targetPort) { [unowned self] error in
                self.connected(session, tcp: tcp, error: error)
            }
        } catch {
            session.tcp?.close()
            session.tcp = nil
            connectWindow.ended()
            connectFailed(session, reason: (error as? UVError)?.name ?? "\(error)")
        }
    }

    private func connected(_ session: EchoSession, tcp: TCP, error: UVError?) {
        guard session.tcp === tcp, case .connecting = session.state else { return }
        connectWindow.ended()
        if let error {
            tcp.close()
            session.tcp = nil
            connectFailed(session, reason: error.name)
            return
        }
        try? tcp.setNoDelay(true)
        do {
            try tcp.startReading(onData: { [unowned self] bytes in self.received(bytes.count, on: session) },
                                 onEnd: { [unowned self] _ in self.lost(session, failure: "connection") })
        } catch {
            tcp.close()
            session.tcp = nil
            connectFailed(session, reason: (error as? UVError)?.name ?? "\(error)")
            return
        }
        session.state = .idle
        connectionsUp += 1
        if case .running = phase { begin(session) }
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func connectFailed(_ session: EchoSession, reason: String) {
        session.state = .closed
        switch phase {
        case .connecting:
            connectFailures[reason, default: 0] += 1
            fillConnectWindow()
            finishConnectingIfDone()
        case .running:
            counters.failure("connection", nowNs: Loop.hrtime())
            scheduleReconnect(session)
        case .connected, .stopped:
            break
        }
    }

    private func finishConnectingIfDone() {
        guard case .connecting(let completion) = phase, connectWindow.isComplete else { return }
        phase = .connected
        completion(connectionsUp, connectFailures)
    }

    /// Starts sending on every connection.
    public func start() {
        phase = .running
        let now = Loop.hrtime()
        for session in sessions {
            if intervalNs > 0 {
                // Spread first sends over one interval so connections do not fire in lockstep.
                session.nextIntendedNs = now + intervalNs * UInt64(session.index) / UInt64(max(1, sessions.count))
            }
            if case .idle = session.state { begin(session) }
        }
    }

    private func begin(_ session: EchoSession) {
        if intervalNs == 0 {
            send(session, intendedNs: Loop.hrtime())
        } else {
            schedule(session)
        }
    }

    private func schedule(_ session: EchoSession) {
        let timer: Timer
        if let existing = scheduleTimers[session.index] {
            timer = existing
        } else {
            guard let created = try? Timer(loop: loop) else { return }
            scheduleTimers[session.index] = created
            timer = created
        }
        let now = Loop.hrtime()
        let waitMs = session.nextIntendedNs > now ? (session.nextIntendedNs - now) / 1_000_000 : 0
        try? timer.start(after: waitMs) { [unowned self] in self.cameDue(session) }
    }

    private func cameDue(_ session: EchoSession) {
        guard case .running = phase else { return }
        let intended = session.nextIntendedNs
        session.nextIntendedNs += intervalNs
        switch session.state {
        case .idle:
            send(session, intendedNs: intended)
        case .awaiting:
            // Behind schedule: this request waits for the one out; its latency still runs from now-intended.
            backlog[session.index] += 1
            counters.queuedSend()
        case .connecting, .closed:
            break
        }
        schedule(session)
    }

    @inline(__always)
    private func send(_ session: EchoSession, intendedNs: UInt64) {
        guard let tcp = session.tcp else { return }
        let now = Loop.hrtime()
        session.state = .awaiting(sentNs: now, intendedNs: intendedNs, received: 0)
        let bytes = UnsafeRawBufferPointer(payload)
        var written = 0
        if tcp.writeQueueSize == 0 {
            written = (try? tcp.tryWrite(bytes)) ?? 0
        }
        if written < bytes.count {
            tcp.write(UnsafeRawBufferPointer(rebasing: bytes[written...]), completion: nil)
        }
    }

    @inline(__always)
    private func received(_ count: Int, on session: EchoSession) {
        guard case .awaiting(let sentNs, let intendedNs, let already) = session.state else {
            counters.failure("protocol", nowNs: Loop.hrtime())
            return
        }
        let total = already + count
        guard total >= parameters.payloadBytes else {
            session.state = .awaiting(sentNs: sentNs, intendedNs: intendedNs, received: total)
            return
        }
        let now = Loop.hrtime()
        let start = intervalNs == 0 ? sentNs : intendedNs
        counters.success(latencyMicroseconds: now > start ? (now - start) / 1000 : 0, nowNs: now)
        session.state = .idle
        guard case .running = phase else { return }
        if intervalNs == 0 {
            send(session, intendedNs: now)
        } else if backlog[session.index] > 0 {
            backlog[session.index] -= 1
            // The oldest overdue request: its intended time is one interval per queued request back.
            let overdue = session.nextIntendedNs - intervalNs * UInt64(backlog[session.index] + 1)
            send(session, intendedNs: overdue)
        }
    }

    /// The connection went down; a request still out fails as `failure`. It reconnects while
    /// load runs.
    private func lost(_ session: EchoSession, failure: String) {
        guard let tcp = session.tcp else { return }
        let wasUp: Bool
        switch session.state {
        case .awaiting:
            counters.failure(failure, nowNs: Loop.hrtime())
            wasUp = true
        case .idle:
            wasUp = true
        case .connecting, .closed:
            wasUp = false
        }
        tcp.close()
        session.tcp = nil
        session.state = .closed
        if wasUp { connectionsUp -= 1 }
        if case .running = phase { scheduleReconnect(session) }
    }

    private func scheduleReconnect(_ session: EchoSession) {
        guard let timer = try? Timer(loop: loop) else { return }
        try? timer.start(after: 100) { [unowned self] in
            timer.close()
            guard case .running = self.phase, case .closed = session.state else { return }
            self.open(session)
        }
    }

    /// Times out requests and connects that take too long.
    private func tick() {
        let now = Loop.hrtime()
        let requestLimit = parameters.requestTimeoutMs * 1_000_000
        let connectLimit = parameters.connectTimeoutMs * 1_000_000
        for session in sessions {
            switch session.state {
            case .awaiting(let sentNs, _, _) where now - sentNs > requestLimit:
                // A byte stream cannot skip a late echo: the connection goes and comes back.
                lost(session, failure: "timeout")
            case .connecting where now - connectStartNs[session.index] > connectLimit:
                session.tcp?.close()
                session.tcp = nil
                connectWindow.ended()
                connectFailed(session, reason: "ETIMEDOUT")
            default:
                break
            }
        }
    }

    /// Opens (1) or closes (2) the measurement window.
    public func mark(index: Int) {
        counters.mark(index: index, nowNs: Loop.hrtime())
    }

    /// Stops sending and closes every connection.
    public func stop() {
        phase = .stopped
        connectWindow.abandon()
        ticker.stop()
        ticker.close()
        for timer in scheduleTimers { timer?.close() }
        for session in sessions {
            session.tcp?.close()
            session.tcp = nil
            session.state = .closed
        }
        connectionsUp = 0
    }
}
