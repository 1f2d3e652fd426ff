/// What one client worker measured in one cell: the raw node file `nodes/<cell>/<node>.json`.
public struct ClientNodeResult: Codable, Sendable, Equatable {
    /// Node name, e.g. "client-1".
    public var node: String
    /// Topology host it ran on.
    public var host: String
    /// Connections this worker was asked to open.
    public var connectionsAsked: Int
    /// Connections that were up when load started.
    public var connectionsEstablished: Int
    /// Connections that failed to open, by reason (e.g. "ECONNREFUSED").
    public var connectFailures: [String: UInt64]
    /// Event-loop threads the worker ran.
    public var threads: Int
    /// The worker's own measurement window.
    public var window: MeasurementWindow
    /// Successful requests completed inside the window.
    public var requests: UInt64
    /// Failed requests inside the window, by kind (e.g. "connection", "timeout", "UNAUTHENTICATED").
    public var errors: [String: UInt64]
    /// One server message (`grpc-message`) per gRPC error kind: why calls failed, in the server's words.
    public var errorMessages: [String: String]
    /// Latency of the successful requests inside the window.
    public var histogram: LatencyHistogram
    /// CPU seconds the worker process used inside the window.
    public var cpuSeconds: Double
    /// Largest RSS of the worker process over the cell, bytes.
    public var rssPeakBytes: UInt64
    /// Open loop: requests that went out later than scheduled inside the window — the
    /// generator could not keep the asked rate (latency still counts from the schedule).
    public var lateSends: UInt64
    /// Open loop: sends inside the window that came due while every stream of their
    /// connection was busy and waited for one (queueing caused by the server).
    public var queuedSends: UInt64
    /// The window cut into seconds from this worker's window-opening mark.
    public var intervals: [IntervalCounts]
    /// Share of its host's CPU time (every core, every process) that sat idle in the window,
    /// 0…1, from /proc/stat at both marks; nil when it could not be read. A worker starved
    /// by its neighbours looks idle itself, so this is what tells.
    public var hostIdleFraction: Double?
    /// The host the worker ran on; nil in files written before it was reported.
    public var hostFacts: HostFacts?
    /// Connections established inside the window (churn's replacements, reconnects).
    public var connectionsOpened: UInt64
    /// Set-up time of those connections, µs: TCP connect to the end of the handshake.
    public var connectHistogram: LatencyHistogram
    /// The stretches every one of its load threads had calls outstanding and heard nothing
    /// from the server, their loops awake, at least `pauseThresholdMs` long.
    public var pauses: [PauseSpan]
    /// The shortest pause it was asked to keep, ms; nil in files from before pauses existed.
    public var pauseThresholdMs: UInt64?

    public init(
        node: String, host: String, connectionsAsked: Int, connectionsEstablished: Int,
        connectFailures: [String: UInt64], threads: Int, window: MeasurementWindow,
        requests: UInt64, errors: [String: UInt64], histogram: LatencyHistogram,
        cpuSeconds: Double, rssPeakBytes: UInt64, lateSends: UInt64 = 0, queuedSends: UInt64 = 0,
        intervals: [IntervalCounts] = [], hostIdleFraction: Double? = nil, hostFacts: HostFacts? = nil,
        connectionsOpened: UInt64 = 0, connectHistogram: LatencyHistogram = LatencyHistogram(),
        pauses: [PauseSpan] = [], pauseThresholdMs: UInt64? = nil, errorMessages: [String: String] = [:]
    ) {
        self.pauses = pauses
        self.pauseThresholdMs = pauseThresholdMs
        self.connectionsOpened = connectionsOpened
        self.connectHistogram = connectHistogram
        self.errorMessages = errorMessages
        self.node = node
        self.host = host
        self.connectionsAsked = connectionsAsked
        self.connectionsEstablished = connectionsEstablished
        self.connectFailures = connectFailures
        self.threads = threads
        self.window = window
        self.requests = requests
        self.errors = errors
        self.histogram = histogram
        self.cpuSeconds = cpuSeconds
        self.rssPeakBytes = rssPeakBytes
        self.lateSends = lateSends
        self.queuedSends = queuedSends
        self.intervals = intervals
        self.hostIdleFraction = hostIdleFraction
        self.hostFacts = hostFacts
    }

    /// Calls still outstanding when the window closed: they finished, if at all, after it, so
    /// no percentile holds them. Set after `init`; 0 in older files.
    public var unfinished: UInt64 = 0
    /// Age of the oldest of them at the close, µs (0 without one).
    public var unfinishedOldestUs: UInt64 = 0
    /// Streaming calls that ended well inside the window, when each call is a stream whose
    /// messages are the `requests` (server-, client- and bidi-streaming methods, `call:
    /// stream`); nil when each request is a call of its own (unary, tcp-echo) and in older
    /// files. Long-lived ping-pong streams end only with their connection, so count ~0.
    public var streams: UInt64?

    /// Total failed requests of every kind.
    public var errorCount: UInt64 { errors.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case node, host, threads, window, requests, errors, histogram
        case connectionsAsked = "connections_asked"
        case connectionsEstablished = "connections_established"
        case connectFailures = "connect_failures"
        case cpuSeconds = "cpu_seconds"
        case rssPeakBytes = "rss_peak_bytes"
        case lateSends = "late_sends"
        case queuedSends = "queued_sends"
        case intervals
        case hostIdleFraction = "host_idle_fraction"
        case hostFacts = "host_facts"
        case connectionsOpened = "connections_opened"
        case connectHistogram = "connect_histogram"
        case pauses
        case pauseThresholdMs = "pause_threshold_ms"
        case errorMessages = "error_messages"
        case unfinished
        case unfinishedOldestUs = "unfinished_oldest_us"
        case streams
    }

    /// Refuses figures past `FigureBounds` by name: added over the workers, they could overflow.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        node = try container.decode(String.self, forKey: .node)
        host = try container.decode(String.self, forKey: .host)
        let bounds = FigureBounds.self
        connectionsAsked = try bounds.checked(
            container.decode(Int.self, forKey: .connectionsAsked), .connectionsAsked, in: container)
        connectionsEstablished = try bounds.checked(
            container.decode(Int.self, forKey: .connectionsEstablished), .connectionsEstablished, in: container)
        connectFailures = try container.decode([String: UInt64].self, forKey: .connectFailures)
        _ = try bounds.checkedSum(connectFailures.values, .connectFailures, in: container)
        threads = try bounds.checked(container.decode(Int.self, forKey: .threads), .threads, in: container)
        window = try container.decode(MeasurementWindow.self, forKey: .window)
        requests = try bounds.checked(
            container.decode(UInt64.self, forKey: .requests), atMost: bounds.maximumCount, .requests, in: container)
        errors = try container.decode([String: UInt64].self, forKey: .errors)
        _ = try bounds.checkedSum(errors.values, .errors, in: container)
        histogram = try container.decode(LatencyHistogram.self, forKey: .histogram)
        cpuSeconds = try bounds.checked(container.decode(Double.self, forKey: .cpuSeconds), .cpuSeconds, in: container)
        rssPeakBytes = try bounds.checked(
            container.decode(UInt64.self, forKey: .rssPeakBytes), atMost: bounds.maximumBytes, .rssPeakBytes, in: container)
        // Node files written before these fields existed still read.
        lateSends = try bounds.checked(
            container.decodeIfPresent(UInt64.self, forKey: .lateSends) ?? 0, atMost: bounds.maximumCount, .lateSends,
            in: container)
        queuedSends = try bounds.checked(
            container.decodeIfPresent(UInt64.self, forKey: .queuedSends) ?? 0, atMost: bounds.maximumCount, .queuedSends,
            in: container)
        intervals = try container.decodeIfPresent([IntervalCounts].self, forKey: .intervals) ?? []
        _ = try bounds.checked(intervals.count, .intervals, in: container)
        hostIdleFraction = try container.decodeIfPresent(Double.self, forKey: .hostIdleFraction)
        if let hostIdleFraction { _ = try bounds.checked(hostIdleFraction, atMost: 1, .hostIdleFraction, in: container) }
        hostFacts = try container.decodeIfPresent(HostFacts.self, forKey: .hostFacts)
        connectionsOpened = try bounds.checked(
            container.decodeIfPresent(UInt64.self, forKey: .connectionsOpened) ?? 0, atMost: bounds.maximumCount,
            .connectionsOpened, in: container)
        connectHistogram = try container.decodeIfPresent(LatencyHistogram.self, forKey: .connectHistogram) ?? LatencyHistogram()
        pauses = try container.decodeIfPresent([PauseSpan].self, forKey: .pauses) ?? []
        pauseThresholdMs = try container.decodeIfPresent(UInt64.self, forKey: .pauseThresholdMs)
        errorMessages = try container.decodeIfPresent([String: String].self, forKey: .errorMessages) ?? [:]
        unfinished = try bounds.checked(
            container.decodeIfPresent(UInt64.self, forKey: .unfinished) ?? 0, atMost: bounds.maximumCount, .unfinished,
            in: container)
        unfinishedOldestUs = try container.decodeIfPresent(UInt64.self, forKey: .unfinishedOldestUs) ?? 0
        if let streams = try container.decodeIfPresent(UInt64.self, forKey: .streams) {
            self.streams = try bounds.checked(streams, atMost: bounds.maximumCount, .streams, in: container)
        }
    }
}
