import UV

/// gRPC-over-HTTP/2 load on one libuv loop: `connections` HTTP/2 connections, each keeping
/// `concurrency` unary calls or ping-pong streams busy, closed loop (a new call as soon as one
/// ends) or open loop (this generator's `ratePerSecond`, dealt round-robin over connections).
///
/// Threading: everything, including every call of `LoadEngine`, happens on the loop's thread;
/// run one generator per loop and thread.
///
/// Established: a connection counts as up once TCP connected *and* the server's SETTINGS
/// arrived, so a listener that accepts but does not speak HTTP/2 shows up as a connect failure
/// ("ETIMEDOUT", "EOF", "protocol"), not as a connection that never answers.
///
/// Hot path: one request template (headers + message) per generator; calls run in
/// preallocated slots; nghttp2's output is batched into one write per connection per event;
/// timers are per generator (one 100 ms ticker for timeouts and reconnects, one schedule timer
/// for the open loop), never per request.
public final class GRPCLoadGenerator: LoadEngine {
    /// What to drive.
    public struct Parameters {
        /// The server: a numeric IPv4/IPv6 address (or "localhost"); there is no DNS.
        public var targetHost: String
        /// The server's port.
        public var targetPort: Int
        /// HTTP/2 connections this generator opens.
        public var connections: Int
        /// Bytes in the request's `bench.Payload.body`.
        public var payloadBytes: Int
        /// Unary calls or ping-pong streams.
        public var call: GRPCCall
        /// Calls (unary) or streams (stream) in flight per connection.
        public var concurrency: Int
        /// Calls (unary) or ping-pongs (stream) per second for this whole generator, dealt
        /// evenly over its connections; nil = closed loop.
        public var ratePerSecond: Double?
        /// A call (or ping-pong) without an answer this long after it was sent fails as
        /// "timeout" and its stream is reset. Checked every 100 ms.
        public var requestTimeoutMs: UInt64
        /// A connection not established (TCP connected and the server's SETTINGS in) this
        /// long after it started fails as "ETIMEDOUT". Checked every 100 ms.
        public var connectTimeoutMs: UInt64
        /// Local addresses to connect from, one per new connection round-robin (port 0);
        /// empty = the kernel's choice. Lifts the ~28k ports per source address limit.
        public var sourceAddresses: [String]
        /// Calls this `:path` instead of the method's own (to probe a server's answer to an
        /// unknown method); nil = the method's.
        public var path: String?

        /// Everything to drive; `call`, `concurrency` and `sourceAddresses` default to one
        /// unary call per connection from the kernel's choice of address.
        public init(targetHost: String, targetPort: Int, connections: Int, payloadBytes: Int,
                    call: GRPCCall = .unary, concurrency: Int = 1, ratePerSecond: Double?,
                    requestTimeoutMs: UInt64, connectTimeoutMs: UInt64, sourceAddresses: [String] = [],
                    path: String? = nil) {
            self.path = path
            self.targetHost = targetHost
            self.targetPort = targetPort
            self.connections = connections
            self.payloadBytes = payloadBytes
            self.call = call
            self.concurrency = concurrency
            self.ratePerSecond = ratePerSecond
            self.requestTimeoutMs = requestTimeoutMs
            self.connectTimeoutMs = connectTimeoutMs
            self.sourceAddresses = sourceAddresses
        }
    }

    /// Connects (and handshakes) in flight at once, so a big count does not overflow the
    /// server's accept backlog.
    static let connectBatch = 256
    /// How long a connection lost under load stays down before reconnecting.
    static let reconnectDelayNs: UInt64 = 100_000_000
    /// Open loop: sends dispatched per timer callback at most, so a generator far behind
    /// schedule still gets back to I/O.
    static let dispatchBatch = 10_000
    /// Open loop: the schedule timer has millisecond resolution, so each firing sends what
    /// falls due within the next millisecond (early sends count their latency from the real
    /// send, late ones from the intended time).
    static let dispatchHorizonNs: UInt64 = 1_000_000

    private let loop: Loop
    private let parameters: Parameters
    private let template: GRPCRequestTemplate
    private let callbacks: GRPCSessionCallbacks
    private let scratch = GRPCWriteScratch()
    private var connections: [GRPCLoadConnection] = []
    private var phase: LoadPhase = .connected
    private var connectWindow: ConnectWindow
    private var connectFailures: [String: UInt64] = [:]
    private var nextSourceAddress = 0
    private let ticker: Timer
    private let scheduleTimer: Timer
    /// Open loop: the schedule, and which connections it deals to (those up at `start`).
    private var schedule: GRPCOpenLoopSchedule?
    private var scheduled: [Int32] = []
    /// Open loop: connections with sends queued in nghttp2 but not yet flushed.
    private var dirty: [Int32] = []
    /// The schedule timer's callback, built once so restarting the timer allocates nothing.
    private var onScheduleTimer: (() -> Void)?

    /// Counters since load started and inside the window.
    public private(set) var counters = WindowCounters()
    /// Connections up right now.
    public private(set) var connectionsUp = 0

    /// A generator on `loop` (which must be run on one thread, with every call below made on
    /// it). Throws `GRPCLoadError.invalidParameter` for out-of-range parameters, or a
    /// `UVError` if its timers cannot be created. Nothing connects until `connect`.
    public init(loop: Loop, parameters: Parameters) throws {
        guard parameters.connections >= 0 else { throw GRPCLoadError.invalidParameter("connections < 0") }
        guard parameters.concurrency >= 1, parameters.concurrency <= 1 << 16 else {
            throw GRPCLoadError.invalidParameter("concurrency must be 1...65536")
        }
        guard parameters.payloadBytes >= 0, parameters.payloadBytes <= 1 << 30 else {
            throw GRPCLoadError.invalidParameter("payloadBytes must be 0...1 GiB")
        }
        if let rate = parameters.ratePerSecond, !(rate > 0 && rate.isFinite) {
            throw GRPCLoadError.invalidParameter("ratePerSecond must be positive")
        }
        self.loop = loop
        self.parameters = parameters
        let host = parameters.targetHost.contains(":") && !parameters.targetHost.hasPrefix("[")
            ? "[\(parameters.targetHost)]" : parameters.targetHost
        template = GRPCRequestTemplate(call: parameters.call, path: parameters.path, authority: "\(host):\(parameters.targetPort)",
                                       payloadBytes: parameters.payloadBytes)
        callbacks = GRPCSessionCallbacks(concurrency: parameters.concurrency)
        ticker = try Timer(loop: loop)
        scheduleTimer = try Timer(loop: loop)
        connectWindow = ConnectWindow(total: parameters.connections, limit: Self.connectBatch)
        connections.reserveCapacity(parameters.connections)
        for index in 0..<parameters.connections {
            connections.append(GRPCLoadConnection(index: index) { [unowned self] connection, error in
                self.written(connection, error: error)
            })
        }
        dirty.reserveCapacity(parameters.connections)
    }

    // MARK: Connecting

    /// Opens every connection; `completion` gets how many are up and why the others failed
    /// (reason → count).
    public func connect(completion: @escaping (Int, [String: UInt64]) -> Void) {
        phase = .connecting(completion: completion)
        try? ticker.start(after: 100, repeat: 100) { [unowned self] in self.tick() }
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func fillConnectWindow() {
        while let index = connectWindow.takeNext() { open(connections[index]) }
    }

    private func open(_ connection: GRPCLoadConnection) {
        connection.phase = .connecting(sinceNs: Loop.hrtime())
        connectWindow.started()
        do {
            let tcp = try TCP(loop: loop)
            let generation = connection.attach(tcp)
            // One read buffer per loop, not per connection: at 10,000 connections that is the
            // difference between 64 KiB and 10,000 buffers.
            tcp.sharesLoopReadBuffer = true
            if !parameters.sourceAddresses.isEmpty {
                let source = parameters.sourceAddresses[nextSourceAddress % parameters.sourceAddresses.count]
                nextSourceAddress &+= 1
                try tcp.bind(host: source, port: 0)
            }
            try tcp.connect(host: parameters.targetHost, port: parameters.targetPort) { [unowned self] error in
                self.tcpConnected(connection, generation: generation, error: error)
            }
        } catch {
            connectFailed(connection, reason: (error as? UVError)?.name ?? "\(error)")
        }
    }

    private func tcpConnected(_ connection: GRPCLoadConnection, generation: UInt32, error: UVError?) {
        guard connection.generation == generation, case .connecting = connection.phase,
              let tcp = connection.tcp else { return }
        if let error {
            connectFailed(connection, reason: error.name)
            return
        }
        try? tcp.setNoDelay(true)
        guard let client = GRPCClientConnection(index: connection.index, template: template, callbacks: callbacks,
                                                concurrency: parameters.concurrency, delegate: self) else {
            connectFailed(connection, reason: "ENOMEM")
            return
        }
        connection.start(client)
        do {
            try tcp.startReading(
                onData: { [unowned self] bytes in self.received(bytes, on: connection, generation: generation) },
                onEnd: { [unowned self] error in
                    guard connection.generation == generation else { return }
                    self.lost(connection, reason: error?.name ?? "EOF")
                })
        } catch {
            connectFailed(connection, reason: (error as? UVError)?.name ?? "\(error)")
            return
        }
        // The preface, our SETTINGS and the connection WINDOW_UPDATE.
        service(connection)
    }

    /// A connect (or handshake) failed: during `connect` it is counted by reason; under load
    /// it counts as one "connection" error and is retried.
    private func connectFailed(_ connection: GRPCLoadConnection, reason: String) {
        connectWindow.ended()
        connection.client?.fail()
        connection.closeSocket()
        switch phase {
        case .connecting:
            connection.phase = .idle
            connectFailures[reason, default: 0] += 1
            fillConnectWindow()
            finishConnectingIfDone()
        case .running:
            connection.phase = .down(sinceNs: Loop.hrtime())
            counters.failure("connection", nowNs: Loop.hrtime())
        case .connected, .stopped:
            connection.phase = .idle
        }
    }

    /// The server's SETTINGS arrived on a connecting connection.
    private func established(_ connection: GRPCLoadConnection) {
        connectWindow.ended()
        connection.phase = .up
        connectionsUp += 1
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func finishConnectingIfDone() {
        guard case .connecting(let completion) = phase, connectWindow.isComplete else { return }
        phase = .connected
        completion(connectionsUp, connectFailures)
    }

    // MARK: Running

    /// Starts sending on every connection that is up; call it after `connect`'s completion
    /// (before that it does nothing). In the open loop the rate is dealt over the connections
    /// up now; connections that failed to connect are not retried.
    public func start() {
        guard case .connected = phase else { return }
        phase = .running
        if let rate = parameters.ratePerSecond {
            scheduled = connections.filter { if case .up = $0.phase { true } else { false } }.map { Int32($0.index) }
            guard !scheduled.isEmpty else { return }
            let schedule = GRPCOpenLoopSchedule(startNs: Loop.hrtime(), ratePerSecond: rate)
            let spacing = UInt64(schedule.spacingNs * Double(scheduled.count))
            for index in scheduled { connections[Int(index)].backlog.spacingNs = spacing }
            self.schedule = schedule
            onScheduleTimer = { [unowned self] in self.dispatchDue() }
            dispatchDue()
        } else {
            for connection in connections { service(connection) }
        }
    }

    /// Bytes from a connection's socket: into its session, then new calls and one flush.
    private func received(_ bytes: UnsafeRawBufferPointer, on connection: GRPCLoadConnection, generation: UInt32) {
        guard connection.generation == generation, let client = connection.client else { return }
        guard client.receive(bytes) else {
            lost(connection, reason: "protocol")
            return
        }
        if case .connecting = connection.phase, client.state == .ready { established(connection) }
        // `established` may have run the connect completion, which may have stopped us.
        guard connection.generation == generation else { return }
        service(connection)
    }

    /// Starts what may start on `connection`, flushes, and retires a finished session.
    private func service(_ connection: GRPCLoadConnection) {
        guard let client = connection.client else { return }
        // A second pass when flushing freed a slot (a reset stream closes once its RST_STREAM
        // is out) and there is more to start; a slot freed later is picked up by the next event.
        for pass in 0..<2 {
            let running: Bool
            if case .running = phase, case .up = connection.phase { running = true } else { running = false }
            if running { fill(connection, client) }
            guard connection.flush(using: scratch) else {
                lost(connection, reason: "write")
                return
            }
            // A write failing synchronously inside `flush` may already have replaced the session.
            guard connection.client === client else { return }
            if client.isFinished {
                // Finished on its own: the server said GOAWAY, or nghttp2 gave up on what it
                // received (e.g. something other than HTTP/2 answered the handshake).
                lost(connection, reason: client.goawayReceived ? "GOAWAY" : "protocol")
                return
            }
            guard pass == 0, running, client.freeSlots > 0,
                  schedule == nil || connection.backlog.count > 0 else { return }
        }
    }

    /// Keeps the connection's slots busy: closed loop fills every free slot, open loop only
    /// takes sends from its backlog (the schedule offers the rest).
    private func fill(_ connection: GRPCLoadConnection, _ client: GRPCClientConnection) {
        guard client.freeSlots > 0 else { return }
        if schedule == nil {
            let now = Loop.hrtime()
            while client.freeSlots > 0, client.startCall(intendedNs: now) {}
        } else {
            while client.freeSlots > 0, let intended = connection.backlog.oldestIntendedNs,
                  client.startCall(intendedNs: intended) {
                _ = connection.backlog.pop()
            }
        }
    }

    /// Open loop: sends everything due within the horizon, then sleeps until the next send.
    private func dispatchDue() {
        guard case .running = phase, var schedule, let onScheduleTimer else { return }
        let now = Loop.hrtime()
        let horizon = now + Self.dispatchHorizonNs
        var sent = 0
        while sent < Self.dispatchBatch, schedule.nextDueNs <= horizon {
            let connection = connections[Int(scheduled[schedule.nextTarget(among: scheduled.count)])]
            let due = schedule.nextDueNs
            schedule.advance()
            sent += 1
            offer(connection, intendedNs: due)
        }
        self.schedule = schedule
        for index in dirty {
            let connection = connections[Int(index)]
            connection.needsFlush = false
            service(connection)
        }
        dirty.removeAll(keepingCapacity: true)
        let next = schedule.nextDueNs
        let waitMs = next > now ? (next - now) / 1_000_000 : 0
        try? scheduleTimer.start(after: waitMs, onScheduleTimer)
    }

    /// Open loop: one send came due for `connection`.
    private func offer(_ connection: GRPCLoadConnection, intendedNs: UInt64) {
        guard case .up = connection.phase, let client = connection.client else {
            // The connection was lost under load: this send fails with it.
            counters.failure("connection", nowNs: Loop.hrtime())
            return
        }
        if connection.backlog.count == 0, client.startCall(intendedNs: intendedNs) {
            if !connection.needsFlush {
                connection.needsFlush = true
                dirty.append(Int32(connection.index))
            }
        } else {
            connection.backlog.push(intendedNs: intendedNs)
            counters.queuedSend()
        }
    }

    /// A queued write finished: flush what gathered meanwhile, or give up on the connection.
    private func written(_ connection: GRPCLoadConnection, error: UVError?) {
        if let error {
            lost(connection, reason: error.name)
        } else {
            service(connection)
        }
    }

    /// The connection broke (or finished after GOAWAY): report what was outstanding or queued
    /// on it, close it, and reconnect after a pause while load runs.
    private func lost(_ connection: GRPCLoadConnection, reason: String) {
        switch connection.phase {
        case .connecting:
            connectFailed(connection, reason: reason)
            return
        case .up:
            connectionsUp -= 1
        case .idle, .down:
            break
        }
        connection.client?.fail()
        let queued = connection.backlog.removeAll()
        connection.closeSocket()
        if case .running = phase {
            for _ in 0..<queued { counters.failure("connection", nowNs: Loop.hrtime()) }
            connection.phase = .down(sinceNs: Loop.hrtime())
        } else {
            connection.phase = .idle
        }
    }

    /// Every 100 ms: times out calls and connects, and reconnects lost connections.
    private func tick() {
        let now = Loop.hrtime()
        let requestLimit = parameters.requestTimeoutMs * 1_000_000
        let connectLimit = parameters.connectTimeoutMs * 1_000_000
        let running: Bool
        if case .running = phase { running = true } else { running = false }
        for connection in connections {
            switch connection.phase {
            case .connecting(let since) where now - since > connectLimit:
                connectFailed(connection, reason: "ETIMEDOUT")
            case .up:
                guard let client = connection.client, client.callsInFlight > 0, now > requestLimit else { break }
                client.expireCalls(sentBefore: now - requestLimit)
                service(connection)
            case .down(let since) where running && now - since >= Self.reconnectDelayNs
                && connectWindow.hasRoom:
                open(connection)
            default:
                break
            }
        }
    }

    /// Opens (1) or closes (2) the measurement window.
    public func mark(index: Int) {
        counters.mark(index: index, nowNs: Loop.hrtime())
    }

    /// Stops sending: resets every stream, says GOAWAY, and closes every connection. Call it
    /// before releasing the generator: open sockets and timers call back into it.
    public func stop() {
        phase = .stopped
        ticker.close()
        scheduleTimer.close()
        onScheduleTimer = nil
        for connection in connections {
            if let client = connection.client {
                client.cancelAll()
                connection.flushBestEffort(using: scratch)
            }
            connection.closeSocket()
            connection.phase = .idle
            _ = connection.backlog.removeAll()
        }
        connectWindow.abandon()
        connectionsUp = 0
    }
}

extension GRPCLoadGenerator: GRPCClientConnectionDelegate {
    func grpcConnection(_ connection: GRPCClientConnection, finishedCallWith outcome: GRPCCallOutcome,
                        latencyNs: UInt64) {
        guard case .running = phase else { return }
        if case .success = outcome {
            counters.success(latencyMicroseconds: latencyNs / 1000, nowNs: Loop.hrtime())
        } else if let kind = outcome.errorKind {
            counters.failure(kind, nowNs: Loop.hrtime())
        }
    }
}
