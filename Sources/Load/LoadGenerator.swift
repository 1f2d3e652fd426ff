import HTTP2
import Metrics
import TLS
import TLSSettings
import UV

/// The load of one libuv loop, whatever the protocol: `connections` connections, each a
/// `LoadSession` (tcp-echo, or gRPC unary calls / ping-pong streams with `concurrency` streams
/// per connection), closed loop (a new request as soon as a stream is free) or open loop
/// (this generator's `ratePerSecond` on one schedule, dealt round-robin over the connections).
///
/// The generator owns everything that is not protocol: the connect window, connect and request
/// timeouts, reconnects, source-address spreading, the open-loop schedule (`OpenLoopDriver`)
/// and the window counters. Sessions only turn requests into bytes and bytes into outcomes.
///
/// Threading: everything happens on the loop's thread;
/// run one generator per loop and thread (`LoadThread` in the Agent).
///
/// Established: a connection counts as up once TCP connected *and* its session finished the
/// handshake (gRPC: the server's SETTINGS arrived), so a listener that accepts but does not
/// speak HTTP/2 shows up as a connect failure (`noSettingsReason` when it says nothing within
/// the connect timeout, "EOF" or "protocol" when it hangs up or answers something else), not
/// as a connection that never answers.
///
/// Hot path: what requests send is built once per generator; output is batched into one write
/// per connection per event (and what a connection has to say between its handshake and load's
/// start, its SETTINGS ACK, goes with its first requests); timers are per generator (one 100 ms
/// ticker for timeouts and reconnects, one schedule timer for the open loop), never per
/// connection or request.
public final class LoadGenerator {
    /// What to drive.
    public struct Parameters {
        /// The servers, one or more replicas: connection `i` goes to `targets[i % count]`, so
        /// the connections spread evenly over them (round-robin per connection).
        public var targets: [Target]
        /// Connections this generator opens.
        public var connections: Int
        /// Bytes in a request: the tcp-echo payload, or the request's `bench.Payload.body`.
        public var payloadBytes: Int
        /// What the connections speak.
        public var protocolKind: LoadProtocol
        /// gRPC: calls (unary) or streams (stream) in flight per connection. tcp-echo has one.
        public var concurrency: Int
        /// Requests per second for this whole generator, dealt evenly over its connections; nil =
        /// closed loop.
        public var ratePerSecond: Double?
        /// A request without an answer this long after it was sent fails as "timeout" (its
        /// gRPC stream is reset; a tcp-echo connection is closed and reconnects). Checked
        /// every 100 ms.
        public var requestTimeoutMs: UInt64
        /// A connection not established this long after it started fails: "ETIMEDOUT" when TCP
        /// did not connect, `LoadGenerator.noSettingsReason` when it did but the handshake did not
        /// finish. Checked every 100 ms.
        public var connectTimeoutMs: UInt64
        /// Local addresses to connect from, one per new connection round-robin (port 0);
        /// empty = the kernel's choice. Lifts the ~28k ports per source address limit.
        public var sourceAddresses: [String]
        /// gRPC: calls this `:path` instead of the method's own (to probe a server's answer to
        /// an unknown method); nil = the method's.
        public var path: String?
        /// gRPC: the request messages, metadata, deadline and compression of every call.
        public var callOptions: GRPCCallOptions
        /// Where time is read: the real monotonic clock unless a test moves its own.
        public var clock: LoadClock
        /// Connection churn: when a connection retires and is replaced; nil = connections
        /// stay open for the whole run.
        public var connectionLimit: ConnectionLimit?
        /// Server pauses: silences of at least this long with calls outstanding are kept (see
        /// `SilenceWatch`); nil = not watched.
        public var pauseThresholdNs: UInt64?
        /// Test only (`BARRAGE_TEST_CLIENT_STALL`): the loop blocks itself `durationNs` every
        /// `periodNs` while load runs, a stalled generator that must not pass for a server pause.
        public var testLoopStall: (durationNs: UInt64, periodNs: UInt64)?
        /// h2 over TLS (ALPN h2) verified as these settings say; nil = plaintext.
        public var tls: TLSClientSettings?

        /// Everything to drive; `concurrency` and `sourceAddresses` default to one stream per
        /// connection from the kernel's choice of address.
        public init(
            targets: [Target], connections: Int, payloadBytes: Int,
            protocolKind: LoadProtocol, concurrency: Int = 1, ratePerSecond: Double?,
            requestTimeoutMs: UInt64, connectTimeoutMs: UInt64, sourceAddresses: [String] = [],
            path: String? = nil, callOptions: GRPCCallOptions = .init(), clock: LoadClock = .monotonic,
            connectionLimit: ConnectionLimit? = nil,
            pauseThresholdNs: UInt64? = nil,
            tls: TLSClientSettings? = nil
        ) {
            self.tls = tls
            self.callOptions = callOptions
            self.connectionLimit = connectionLimit
            self.pauseThresholdNs = pauseThresholdNs
            self.targets = targets
            self.connections = connections
            self.payloadBytes = payloadBytes
            self.protocolKind = protocolKind
            self.concurrency = concurrency
            self.ratePerSecond = ratePerSecond
            self.requestTimeoutMs = requestTimeoutMs
            self.connectTimeoutMs = connectTimeoutMs
            self.sourceAddresses = sourceAddresses
            self.path = path
            self.clock = clock
        }

        /// Everything to drive against one server.
        public init(
            targetHost: String, targetPort: Int, connections: Int, payloadBytes: Int,
            protocolKind: LoadProtocol, concurrency: Int = 1, ratePerSecond: Double?,
            requestTimeoutMs: UInt64, connectTimeoutMs: UInt64, sourceAddresses: [String] = [],
            path: String? = nil, clock: LoadClock = .monotonic
        ) {
            self.init(
                targets: [Target(host: targetHost, port: targetPort)], connections: connections,
                payloadBytes: payloadBytes, protocolKind: protocolKind, concurrency: concurrency,
                ratePerSecond: ratePerSecond, requestTimeoutMs: requestTimeoutMs,
                connectTimeoutMs: connectTimeoutMs, sourceAddresses: sourceAddresses, path: path, clock: clock)
        }
    }

    /// One server a generator connects to.
    public struct Target: Sendable, Equatable {
        /// A numeric IPv4/IPv6 address (or "localhost"); there is no DNS.
        public var host: String
        /// Its port.
        public var port: Int

        /// A server at `host`:`port`.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// The connect failure of a connection whose TCP connect succeeded but whose server never
    /// finished the handshake (gRPC: sent no HTTP/2 SETTINGS) within the connect timeout: a
    /// listener that is not an HTTP/2 server, or one too overloaded to answer.
    public static let noSettingsReason = "no-http2-settings"
    /// Open loop: how early a send may leave. Three ticks of the millisecond timer, which is
    /// armed two ticks early (see `dispatchDue`).
    static let dispatchHorizonNs: UInt64 = 3_000_000
    /// Connects (and handshakes) in flight at once, so a big count does not overflow the
    /// server's accept backlog.
    static let connectBatch = 256
    /// Longest time output is held between the connect's completion and `start` (see
    /// `holdingOutput`).
    static let heldOutputLimitNs: UInt64 = 200_000_000
    /// How long a connection lost under load stays down before reconnecting.
    static let reconnectDelayNs: UInt64 = 100_000_000
    /// Churn by lifetime: connections whose deadline falls this close retire together, in
    /// one wake-up of the lifetime timer.
    static let retireSlackNs: UInt64 = 1_000_000

    private let loop: Loop
    private let parameters: Parameters
    private let clock: LoadClock
    private let kind: SessionKind
    /// TLS: the loop's one OpenSSL context, shared by every connection; nil = plaintext.
    private let tlsContext: TLSContext?
    private let scratch = WriteScratch()
    private var connections: [LoadConnection] = []
    private var phase: LoadPhase = .connected
    private var connectWindow: ConnectWindow
    private var connectFailures: [String: UInt64] = [:]
    private var nextSourceAddress = 0
    /// True while `fillConnectWindow` runs (it is re-entered by connects that fail at once).
    private var fillingConnectWindow = false
    /// From `connect` until load starts, an established connection's output (gRPC: its
    /// SETTINGS ACK) waits to go out with its first request: one write fewer per connection.
    /// On loopback each write also pays the server's receive in softirq (≈ 15–18 µs a write at
    /// 10,000 connections, perf); h2load likewise sends nothing between its preface and its first
    /// request. The 100 ms tick lets it go if `start` has not come `heldOutputLimitNs` after the
    /// connect completed (a coordinator may wait for other workers).
    private var holdingOutput = false
    /// When `connect`'s completion ran, for the tick's release of held output.
    private var connectedAtNs: UInt64 = 0
    private let ticker: Timer
    private let scheduleTimer: Timer
    /// Open loop: the schedule and the backlogs, from `start` on.
    private var openLoop: OpenLoopDriver?
    /// Open loop: connections with sends queued in their session but not yet flushed.
    private var dirty: [Int32] = []
    /// The schedule timer's callback, built once so restarting the timer allocates nothing.
    private var onScheduleTimer: (() -> Void)?
    /// Churn by lifetime: each connection's retirement deadline, and the timer at the front.
    private var retirements = RetirementQueue()
    private let lifetimeTimer: Timer
    private var onLifetimeTimer: (() -> Void)?
    /// Server pauses: the silences of this thread, and its loop's liveness timer.
    private var silence: SilenceWatch?
    private let livenessTimer: Timer
    private var testStall: LoopStall?

    /// Counters since load started and inside the window.
    public private(set) var counters = WindowCounters()
    /// Connections up right now.
    public private(set) var connectionsUp = 0
    /// The messages of this loop's thread, delivered after each connection's read once its
    /// requests are out (a point where the handler may stop or release the generator: nothing
    /// of the connection is touched afterwards), so a command reaches a busy thread within one
    /// connection event; nil = only through the loop's own wake-up.
    public var pendingMail: PendingMail?

    /// A generator on `loop` (which must be run on one thread, with every call below made on
    /// it). Throws `LoadError.invalidParameter` for out-of-range parameters, or a `UVError`
    /// if its timers cannot be created. Nothing connects until `connect`.
    public init(loop: Loop, parameters: Parameters) throws {
        guard parameters.connections >= 0 else { throw LoadError.invalidParameter("connections < 0") }
        guard let first = parameters.targets.first else { throw LoadError.invalidParameter("no target") }
        guard parameters.concurrency >= 1, parameters.concurrency <= 1 << 16 else {
            throw LoadError.invalidParameter("concurrency must be 1...65536")
        }
        guard parameters.payloadBytes >= 0, parameters.payloadBytes <= 1 << 30 else {
            throw LoadError.invalidParameter("payloadBytes must be 0...1 GiB")
        }
        if let rate = parameters.ratePerSecond, !(rate > 0 && rate.isFinite) {
            throw LoadError.invalidParameter("ratePerSecond must be positive")
        }
        self.loop = loop
        self.parameters = parameters
        clock = parameters.clock
        switch parameters.protocolKind {
        case .tcpEcho:
            guard parameters.concurrency == 1 else {
                throw LoadError.invalidParameter("tcp-echo has one request in flight per connection")
            }
            kind = .echo(EchoPayload(count: parameters.payloadBytes))
        case .grpc(let call):
            // One template for every connection: with several replicas the `:authority` names the
            // first (servers under test answer whatever it says; a per-target copy would cost
            // a template per replica for nothing).
            let host = first.host.contains(":") && !first.host.hasPrefix("[") ? "[\(first.host)]" : first.host
            let template = GRPCRequestTemplate(
                call: call, path: parameters.path,
                authority: "\(host):\(first.port)",
                payloadBytes: parameters.payloadBytes, options: parameters.callOptions,
                scheme: parameters.tls == nil ? "http" : "https")
            kind = .grpc(
                template,
                GzipInflater(),
                concurrency: parameters.concurrency)
        }
        do {
            tlsContext = try parameters.tls.map { try TLSContext(role: .client($0)) }
        } catch {
            throw LoadError.invalidParameter("\(error)")
        }
        ticker = try Timer(loop: loop)
        scheduleTimer = try Timer(loop: loop)
        lifetimeTimer = try Timer(loop: loop)
        livenessTimer = try Timer(loop: loop)
        connectWindow = ConnectWindow(total: parameters.connections, limit: Self.connectBatch)
        connections.reserveCapacity(parameters.connections)
        for index in 0..<parameters.connections {
            connections.append(
                LoadConnection(index: index) { [unowned self] connection, error in
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
        holdingOutput = true
        try? ticker.start(after: tickMs, repeat: tickMs) { [unowned self] in self.tick() }
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func fillConnectWindow() {
        // A connect that fails at once (EMFILE) calls back in here; the loop already running
        // goes on with the next one, instead of recursing once per connection (10,000 deep).
        guard !fillingConnectWindow else { return }
        fillingConnectWindow = true
        defer { fillingConnectWindow = false }
        while let index = connectWindow.takeNext() { open(connections[index]) }
    }

    /// Starts connecting `connection`; `replacing`: in place of one that retired.
    private func open(_ connection: LoadConnection, replacing: Bool = false) {
        connection.phase = .connecting(sinceNs: clock.now(), replacing: replacing)
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
            let target = parameters.targets[connection.index % parameters.targets.count]
            try tcp.connect(host: target.host, port: target.port) { [unowned self] error in
                self.tcpConnected(connection, generation: generation, error: error)
            }
        } catch {
            connectFailed(connection, reason: (error as? UVError)?.name ?? "\(error)")
        }
    }

    private func tcpConnected(_ connection: LoadConnection, generation: UInt32, error: UVError?) {
        guard connection.generation == generation, case .connecting(let since, let replacing) = connection.phase,
            let tcp = connection.tcp
        else { return }
        if let error {
            connectFailed(connection, reason: error.name)
            return
        }
        try? tcp.setNoDelay(true)
        guard let session = makeSession(for: connection) else {
            connectFailed(connection, reason: "ENOMEM")
            return
        }
        connection.start(session)
        connection.phase = .handshaking(sinceNs: since, replacing: replacing)
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
        // A session without a handshake is up now; `established` may run the connect
        // completion, which may stop us.
        if session.isEstablished { established(connection) }
        guard connection.generation == generation else { return }
        // gRPC: the preface, our SETTINGS and the connection WINDOW_UPDATE.
        service(connection)
    }

    /// A connect (or handshake) failed: during `connect` it is counted by reason; under load
    /// it counts as one "connection" error and is retried.
    private func connectFailed(_ connection: LoadConnection, reason: String) {
        connectWindow.ended()
        connection.session?.fail()
        connection.closeSocket()
        switch phase {
        case .connecting:
            connection.phase = .idle
            connectFailures[reason, default: 0] += 1
            fillConnectWindow()
            finishConnectingIfDone()
        case .running:
            let now = clock.now()
            connection.phase = .down(sinceNs: now)
            counters.failure(reason.hasPrefix(TLSStream.failurePrefix) ? "tls-handshake" : "connection", nowNs: now)
            // A replacement's waiting sends fail with it, as a lost connection's do.
            let queued = openLoop?.dropBacklog(of: connection.index) ?? 0
            for _ in 0..<queued { counters.failure("connection", nowNs: now) }
        case .connected, .stopped:
            connection.phase = .idle
        }
    }

    /// The protocol's session for a connection that just connected, over TLS when asked.
    private func makeSession(for connection: LoadConnection) -> (any LoadSession)? {
        guard let session = kind.makeSession(index: connection.index, clock: clock, delegate: self) else { return nil }
        guard let tlsContext else { return session }
        let target = parameters.targets[connection.index % parameters.targets.count]
        guard let stream = TLSStream(context: tlsContext, serverName: parameters.tls?.serverName ?? target.host) else {
            return nil
        }
        return TLSLoadSession(session, stream: stream, context: tlsContext)
    }

    /// The session of a connecting connection finished its handshake.
    private func established(_ connection: LoadConnection) {
        connectWindow.ended()
        let now = clock.now()
        if case .handshaking(let since, _) = connection.phase {
            counters.connected(setupNs: Self.elapsed(since, now))
        }
        connection.phase = .up
        connectionsUp += 1
        // Under load a connection's limit starts now; the first connections get theirs,
        // staggered, when load starts.
        if case .running = phase, let limit = parameters.connectionLimit { impose(limit, on: connection, nowNs: now) }
        fillConnectWindow()
        finishConnectingIfDone()
    }

    private func finishConnectingIfDone() {
        guard case .connecting(let completion) = phase, connectWindow.isComplete else { return }
        phase = .connected
        connectedAtNs = clock.now()
        completion(connectionsUp, connectFailures)
    }

    // MARK: Running

    /// Starts sending on every connection that is up; call it after `connect`'s completion
    /// (before that it does nothing). In the open loop the rate is dealt over the connections
    /// up now; connections that failed to connect are not retried.
    public func start() {
        guard case .connected = phase else { return }
        phase = .running
        holdingOutput = false
        if let threshold = parameters.pauseThresholdNs, !connections.isEmpty {
            let watch = SilenceWatch(thresholdNs: threshold, nowNs: clock.now())
            silence = watch
            let periodMs = watch.periodNs / 1_000_000
            try? livenessTimer.start(after: periodMs, repeat: periodMs) { [unowned self] in
                self.silence?.tick(nowNs: self.clock.now())
            }
        }
        if let stall = parameters.testLoopStall {
            testStall = try? LoopStall(loop: loop, durationNs: stall.durationNs, periodNs: stall.periodNs)
        }
        if let limit = parameters.connectionLimit {
            onLifetimeTimer = { [unowned self] in self.retireDue() }
            let now = clock.now()
            for connection in connections where connection.isUp {
                impose(limit.staggered(index: connection.index, of: connections.count), on: connection, nowNs: now)
            }
        }
        if let rate = parameters.ratePerSecond {
            let targets = connections.filter { if case .up = $0.phase { true } else { false } }.map { Int32($0.index) }
            guard !targets.isEmpty else { return }
            openLoop = OpenLoopDriver(
                startNs: clock.now(), ratePerSecond: rate, targets: targets,
                connectionCount: connections.count, horizonNs: Self.dispatchHorizonNs)
            onScheduleTimer = { [unowned self] in self.dispatchDue() }
            // The output held since connecting goes now: a connection's first scheduled send
            // may be far off.
            for connection in connections where connection.isUp { service(connection) }
            dispatchDue()
        } else {
            for connection in connections { service(connection) }
        }
    }

    /// Bytes from a connection's socket: into its session, then new requests and one flush.
    private func received(_ bytes: UnsafeRawBufferPointer, on connection: LoadConnection, generation: UInt32) {
        guard connection.generation == generation, let session = connection.session else { return }
        if silence != nil { noteSilence(silence?.received(nowNs: clock.now())) }
        guard session.receive(bytes) else {
            lost(connection, reason: "protocol")
            return
        }
        if case .handshaking = connection.phase, session.isEstablished { established(connection) }
        // `established` may have run the connect completion, which may have stopped us.
        guard connection.generation == generation else { return }
        service(connection)
        // The flag first: a load and a branch while no mail waits (a call would retain the object).
        if pendingMail?.isRaised == true { pendingMail?.deliver() }
    }

    /// Starts what may start on `connection`, flushes, and retires a finished session.
    private func service(_ connection: LoadConnection) {
        guard let session = connection.session else { return }
        // A second pass when flushing freed a stream (a reset gRPC stream closes once its
        // RST_STREAM is out) and there is more to start; a stream freed later is picked up by
        // the next event.
        for pass in 0..<2 {
            let running: Bool
            if case .running = phase, case .up = connection.phase { running = true } else { running = false }
            if running { fill(connection, session) }
            if holdingOutput, case .up = connection.phase {
                if let reason = session.finishedReason { lost(connection, reason: reason) }
                return
            }
            guard connection.flush(using: scratch) else {
                lost(connection, reason: "write")
                return
            }
            // A write failing synchronously inside `flush` may already have replaced the session.
            guard connection.session === session else { return }
            if case .retiring = connection.phase, session.requestsInFlight == 0 {
                replace(connection)
                return
            }
            if let reason = session.finishedReason {
                lost(connection, reason: reason)
                return
            }
            guard pass == 0, running, session.freeSlots > 0,
                openLoop.map({ $0.backlogCount(of: connection.index) > 0 }) ?? true
            else { return }
        }
    }

    /// Keeps the connection's streams busy: the closed loop fills every free stream, the open
    /// loop only sends what waits in the connection's backlog (the schedule offers the rest).
    private func fill(_ connection: LoadConnection, _ session: any LoadSession) {
        guard session.freeSlots > 0 else { return }
        let now = clock.now()
        if let openLoop {
            openLoop.drain(connection.index, nowNs: now, to: self)
        } else {
            while session.freeSlots > 0, connection.isUp, session.submit(startNs: now, nowNs: now) {
                startedCall(on: connection, nowNs: now)
            }
        }
    }

    // MARK: Churn

    /// Starts `connection`'s limit: a lifetime deadline on the queue, or a budget of calls.
    private func impose(_ limit: ConnectionLimit, on connection: LoadConnection, nowNs: UInt64) {
        switch limit {
        case .lifetime(let ns):
            retirements.push(
                RetirementQueue.Entry(dueNs: nowNs &+ ns, index: Int32(connection.index), generation: connection.generation))
            if retirements.front?.index == Int32(connection.index) { armLifetimeTimer() }
        case .calls(let calls):
            connection.callsLeft = calls
        }
    }

    /// A call started on `connection` at `nowNs`: one more outstanding for the silence watch,
    /// and one less in the connection's budget, if it has one.
    @inline(__always)
    private func startedCall(on connection: LoadConnection, nowNs: UInt64) {
        silence?.sent(nowNs: nowNs)
        guard let left = connection.callsLeft else { return }
        connection.callsLeft = left - 1
        if left <= 1 { retire(connection) }
    }

    /// `connection` takes no new calls; once those in flight ended it closes and is replaced
    /// (see `service`).
    private func retire(_ connection: LoadConnection) {
        guard case .up = connection.phase, let session = connection.session else { return }
        connection.phase = .retiring
        connection.callsLeft = nil
        session.retire()
    }

    /// A retired connection has nothing in flight: closes it and opens its replacement at once
    /// (while connects are in flight at the window's limit, the 100 ms ticker opens it).
    private func replace(_ connection: LoadConnection) {
        connectionsUp -= 1
        connection.session?.fail()
        connection.closeSocket()
        guard case .running = phase else {
            connection.phase = .idle
            return
        }
        if connectWindow.hasRoom {
            open(connection, replacing: true)
        } else {
            connection.phase = .down(sinceNs: clock.now() &- Self.reconnectDelayNs)
        }
    }

    /// Retires every connection whose lifetime is up, then sleeps until the next one's.
    private func retireDue() {
        guard case .running = phase else { return }
        let now = clock.now()
        while let entry = retirements.front, entry.dueNs <= now &+ Self.retireSlackNs {
            _ = retirements.pop()
            let connection = connections[Int(entry.index)]
            guard connection.generation == entry.generation, connection.isUp else { continue }
            retire(connection)
            service(connection)
        }
        armLifetimeTimer()
    }

    /// Wakes the lifetime timer at the queue's front deadline (rounded up to the millisecond).
    private func armLifetimeTimer() {
        guard let front = retirements.front, let onLifetimeTimer else { return }
        loop.updateTime()
        let now = clock.now()
        let waitMs = front.dueNs > now ? (front.dueNs - now + 999_999) / 1_000_000 : 0
        try? lifetimeTimer.start(after: waitMs, onLifetimeTimer)
    }

    /// Open loop: sends everything due within the horizon, flushes, and sleeps until the next
    /// send is due.
    private func dispatchDue() {
        guard case .running = phase, let openLoop, let onScheduleTimer else { return }
        let dealt = openLoop.dispatch(nowNs: clock.now(), to: self)
        // By position: a connection serviced here may send from its backlog and join the list.
        var position = 0
        while position < dirty.count {
            let connection = connections[Int(dirty[position])]
            connection.needsFlush = false
            service(connection)
            position += 1
        }
        dirty.removeAll(keepingCapacity: true)
        // The timer counts from the loop's cached time, which lags by however long this
        // iteration has run: refresh it, or the timer fires early by that much.
        loop.updateTime()
        let now = clock.now()
        let next = openLoop.nextDueNs
        // Two millisecond ticks before the next send, rounded down, and `dispatch` sends what
        // falls due within its 3 ms horizon, counted from the real send. libuv's timer runs on
        // the loop's millisecond time, truncated and (with a 1000 Hz kernel's coarse clock) up to
        // a tick behind: armed one tick early, a wake-up could land up to 2 ms after the arming
        // aimed, so a thread woken a millisecond late sent late (0.35 % of sends at 800/s on a
        // quiet 2-core VM, 1–1.4 % beside a busy server: a capacity trial voided). Two ticks
        // leave at least a millisecond for the thread's own wake-up delay. Behind schedule (a full
        // batch), come back at once after the I/O.
        let ticks = dealt >= OpenLoopDriver.dispatchBatch || next <= now ? 0 : (next - now) / 1_000_000
        let waitMs = ticks > 2 ? ticks - 2 : 0
        try? scheduleTimer.start(after: waitMs, onScheduleTimer)
    }

    /// A queued write finished: flush what gathered meanwhile, or give up on the connection.
    private func written(_ connection: LoadConnection, error: UVError?) {
        if let error {
            lost(connection, reason: error.name)
        } else {
            service(connection)
        }
    }

    /// The connection broke (or its session finished): report what was outstanding or queued
    /// on it, close it, and reconnect after a pause while load runs.
    private func lost(_ connection: LoadConnection, reason: String) {
        switch connection.phase {
        case .connecting, .handshaking:
            // Over TLS a hang-up while connecting is the TLS handshake's failure, said so.
            let tls = (connection.session as? TLSLoadSession)?.connectFailure(reason)
            connectFailed(connection, reason: tls ?? reason)
            return
        case .retiring:
            // The server hung up on a connection whose goodbye was under way: with nothing
            // left in flight that is the end it was heading for.
            if connection.session.map({ $0.requestsInFlight == 0 }) ?? true {
                replace(connection)
                return
            }
            connectionsUp -= 1
        case .up:
            connectionsUp -= 1
        case .idle, .down:
            break
        }
        connection.session?.fail()
        let queued = openLoop?.dropBacklog(of: connection.index) ?? 0
        connection.closeSocket()
        if case .running = phase {
            let now = clock.now()
            for _ in 0..<queued { counters.failure("connection", nowNs: now) }
            connection.phase = .down(sinceNs: now)
        } else {
            connection.phase = .idle
        }
    }

    /// How often `tick` runs: every 100 ms, or often enough that a call is given up within a
    /// quarter of its deadline past it (5 ms at the least).
    private var tickMs: UInt64 {
        guard let deadline = parameters.callOptions.deadlineMs else { return 100 }
        return min(100, max(5, deadline / 4))
    }

    /// Every `tickMs`: times out requests and connects, and reconnects lost connections.
    private func tick() {
        let now = clock.now()
        // A deadline replaces the request timeout: the session counts a call past it as
        // DEADLINE_EXCEEDED, as the server would have.
        let requestLimit = (parameters.callOptions.deadlineMs ?? parameters.requestTimeoutMs) * 1_000_000
        let connectLimit = parameters.connectTimeoutMs * 1_000_000
        let running: Bool
        if case .running = phase { running = true } else { running = false }
        if holdingOutput, case .connected = phase, Self.elapsed(connectedAtNs, now) >= Self.heldOutputLimitNs {
            releaseHeldOutput()
        }
        // A connection (re)opened or lost during this sweep carries a time after `now`:
        // differences saturate at zero instead of wrapping.
        for connection in connections {
            switch connection.phase {
            case .connecting(let since, _) where Self.elapsed(since, now) > connectLimit:
                connectFailed(connection, reason: "ETIMEDOUT")
            case .handshaking(let since, _) where Self.elapsed(since, now) > connectLimit:
                connectFailed(connection, reason: Self.noSettingsReason)
            case .up, .retiring:
                guard let session = connection.session, session.requestsInFlight > 0, now > requestLimit else { break }
                let inFlight = session.requestsInFlight
                if session.expire(sentBefore: now - requestLimit, nowNs: now) {
                    lost(connection, reason: "timeout")
                } else if session.requestsInFlight != inFlight {
                    // Calls timed out: their streams' resets go out and new calls take their place.
                    // A connection whose calls are all in time has nothing new to send (servicing
                    // each of 10,000 every 100 ms only pulled empty output from its session).
                    service(connection)
                }
            case .down(let since)
            where running && Self.elapsed(since, now) >= Self.reconnectDelayNs
                && connectWindow.hasRoom:
                open(connection)
            default:
                break
            }
        }
    }

    /// `start` is late: every connection sends what it held (see `holdingOutput`).
    private func releaseHeldOutput() {
        holdingOutput = false
        for connection in connections where connection.isUp { service(connection) }
    }

    /// Nanoseconds from `since` to `now`; zero if `since` is later.
    @inline(__always)
    private static func elapsed(_ since: UInt64, _ now: UInt64) -> UInt64 {
        now > since ? now - since : 0
    }

    /// Opens or closes the measurement window. At the close, a silence under way counts up to it.
    public func mark(_ edge: WindowMark) {
        let now = clock.now()
        if edge == .close {
            noteSilence(silence?.cut(nowNs: now))
            // The calls still out: their latency is at least their age, which no percentile holds.
            var unfinished: UInt64 = 0
            var oldestNs: UInt64?
            for connection in connections {
                guard let session = connection.session, session.requestsInFlight > 0 else { continue }
                unfinished += UInt64(session.requestsInFlight)
                if let start = session.oldestInFlightStartNs { oldestNs = min(oldestNs ?? start, start) }
            }
            counters.unfinishedAtClose(count: unfinished, oldestAgeUs: oldestNs.map { now > $0 ? (now - $0) / 1000 : 0 } ?? 0)
        }
        counters.mark(edge, nowNs: now)
    }

    /// Keeps a stretch of silence the watch found (in the window, at least the threshold).
    @inline(__always)
    private func noteSilence(_ stretch: SilenceWatch.Stretch?) {
        guard let stretch, let watch = silence else { return }
        counters.silence(startNs: stretch.startNs, endNs: stretch.endNs, minimumNs: watch.thresholdNs)
    }

    /// Hands over the window's seconds that have ended.
    public func takeClosedIntervals() -> [ClientInterval] {
        counters.takeClosedIntervals(nowNs: clock.now())
    }

    /// Stops sending: abandons every request (gRPC: resets every stream and says GOAWAY) and
    /// closes every connection. Call it before releasing the generator: open sockets and timers
    /// call back into it.
    public func stop() {
        phase = .stopped
        holdingOutput = false
        ticker.close()
        scheduleTimer.close()
        onScheduleTimer = nil
        lifetimeTimer.close()
        onLifetimeTimer = nil
        livenessTimer.close()
        silence = nil
        testStall?.close()
        testStall = nil
        retirements.removeAll()
        openLoop = nil
        for connection in connections {
            if let session = connection.session {
                session.terminate()
                connection.flushBestEffort(using: scratch)
            }
            connection.closeSocket()
            connection.phase = .idle
        }
        connectWindow.abandon()
        connectionsUp = 0
    }
}

extension LoadGenerator: LoadSessionDelegate {
    func sessionStatusMessage(_ message: String, for outcome: CallOutcome) {
        guard case .running = phase, let kind = outcome.errorKind else { return }
        counters.sample(message, for: kind)
    }

    func sessionFinishedCall(_ outcome: CallOutcome, latencyNs: UInt64) {
        guard case .running = phase else { return }
        let now = clock.now()
        if silence != nil { noteSilence(silence?.finished(nowNs: now)) }
        if case .success = outcome {
            counters.success(latencyMicroseconds: latencyNs / 1000, nowNs: now)
        } else if let kind = outcome.errorKind {
            counters.failure(kind, nowNs: now)
        }
    }

    func sessionFinishedStream() {
        guard case .running = phase else { return }
        counters.streamEnded()
    }
}

extension LoadGenerator: OpenLoopPort {
    func availability(of connection: Int) -> StreamAvailability {
        let connection = connections[connection]
        switch connection.phase {
        case .up:
            guard let session = connection.session else { return .down }
            return session.freeSlots > 0 ? .free : .busy
        case .retiring, .connecting(_, replacing: true), .handshaking(_, replacing: true):
            return .replacing
        case .idle, .down, .connecting, .handshaking:
            return .down
        }
    }

    func send(on index: Int, startNs: UInt64, nowNs: UInt64, late: Bool) -> Bool {
        let connection = connections[index]
        guard connection.isUp, let session = connection.session, session.submit(startNs: startNs, nowNs: nowNs)
        else { return false }
        startedCall(on: connection, nowNs: nowNs)
        if late { counters.lateSend() }
        if !connection.needsFlush {
            connection.needsFlush = true
            dirty.append(Int32(index))
        }
        return true
    }

    func queued(on connection: Int) {
        counters.queuedSend()
    }

    func failedDown(on connection: Int) {
        counters.failure("connection", nowNs: clock.now())
    }
}
