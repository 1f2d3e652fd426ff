import Metrics

/// One cell of the comparison: an element of `cells` in `summary.json`.
///
/// Figures cover the measurement window only. A failed cell keeps whatever figures were
/// measured (often zeros) next to its status and error.
public struct CellSummary: Codable, Sendable, Equatable {
    /// The cell's directory name under `nodes/`. Not in SPEC.md's schema: an addition.
    public var id: String
    /// The system's name in the topology.
    public var system: String
    /// Total connections over all client workers.
    public var connections: Int
    /// Which repetition this is, from 1. JSON key `repeat`.
    public var repeatIndex: Int
    /// How the cell ended.
    public var status: CellStatus
    /// Why the cell failed, in words. Always in the JSON, as `null` when nil.
    public var error: String?
    /// Window length, seconds: the mean of the clients' windows. JSON key `duration_s`.
    public var durationSeconds: Double
    /// Successful requests inside the windows, over all clients.
    public var requests: UInt64
    /// Failed requests inside the windows, over all clients.
    public var errors: UInt64
    /// `errors` by kind (e.g. "timeout"). Not in SPEC.md's schema: an addition.
    public var errorsByKind: [String: UInt64]
    /// The server's words (`grpc-message`) for one failure of each gRPC error kind that had some.
    public var errorMessages: [String: String] = [:]
    /// Σ over clients of their requests ÷ their own window.
    public var requestsPerSecond: Double
    /// Percentiles of the sum of every client's histogram, µs. JSON key `latency_us`.
    public var latency: LatencySummary
    /// The server's process tree over the window, and its memory per connection; nil for an
    /// external target, which Barrage does not sample (JSON `null`, never zeros).
    public var server: ServerFigures?
    /// The load generators.
    public var clients: ClientFigures
    /// What limited the cell.
    public var bottleneck: Bottleneck
    /// The window second by second, every node added.
    public var timeseries: [TimeSeriesPoint]
    /// The scenario's name; nil for a topology with a plain `workload`.
    public var scenario: String?
    /// An external system's address (`HOST:PORT`), nil for a server Barrage started.
    public var target: String?
    /// Server replicas in the cell: how many the plan started (1 before replicas existed).
    public var replicas: Int = 1
    /// Each replica's figures, in node order, when the cell ran more than one (`server` then
    /// holds their sums); empty for one replica. JSON key `servers`, written only when
    /// `replicas` > 1, as SPEC.md says.
    public var servers: [ReplicaFigures] = []
    /// The server's CPU limit, cores; nil when unlimited. JSON `null` then.
    public var cpus: Double?
    /// Whether the clients spoke h2 over TLS (false: plaintext h2).
    public var tls = false
    /// The offered open-loop rate; nil for closed loop (`max`). JSON key `rate_per_second`.
    public var ratePerSecond: Double?
    /// Whether the figures held the workload's SLO; nil without one. JSON key `slo_met`.
    public var sloMet: Bool?
    /// The SLO's broken bounds, e.g. `p99 71.2ms > 50ms`. JSON key `slo_misses`.
    public var sloMisses: [String] = []
    /// Connections the clients established inside the window (churn's replacements, and
    /// reconnects). JSON key `connections_opened`.
    public var connectionsOpened: UInt64 = 0
    /// Set-up time of those connections. JSON key `connect_us`.
    public var connect = ConnectFigures()
    /// Server pauses every client saw. JSON key `pauses`.
    public var pauses = PauseFigures()
    /// Calls still outstanding when the window closed, over all clients.
    public var unfinished: UInt64 = 0
    /// The oldest of them, µs at the close. JSON key `unfinished_oldest_us`.
    public var unfinishedOldestUs: UInt64 = 0
    /// Stream calls: the streams that ended well inside the window, over all clients, whose
    /// messages are the cell's `requests` (SPEC: "for streaming methods `requests` counts
    /// messages; latency is per message"); nil when each request is a call of its own.
    public var streams: UInt64?
    /// Σ over clients of their streams ÷ their own window; nil with `streams`. JSON key
    /// `streams_per_second`.
    public var streamsPerSecond: Double?

    /// Whether `requests`, `requests_per_second` and the latency count the messages of stream
    /// calls rather than calls. JSON key `requests_are`: "messages" or "calls".
    public var countsMessages: Bool { streams != nil }

    /// What one of `requests` is, plural: "messages" or "calls".
    public var requestsAre: String { countsMessages ? "messages" : "calls" }

    /// Unfinished calls over 0.1 % of the window's calls: the latency percentiles leave out
    /// calls that took longer than the window let them, so they are lower bounds.
    public var percentilesAreLowerBounds: Bool {
        // In Double: the counts come from node files and may be as large as their bounds allow.
        let calls = Double(requests) + Double(errors) + Double(unfinished)
        return unfinished > 0 && Double(unfinished) * 1_000 > calls
    }

    /// Creates a cell summary; see each property.
    public init(
        id: String, system: String, connections: Int, repeatIndex: Int, status: CellStatus,
        error: String?, durationSeconds: Double, requests: UInt64, errors: UInt64,
        errorsByKind: [String: UInt64], requestsPerSecond: Double, latency: LatencySummary,
        server: ServerFigures?, clients: ClientFigures, bottleneck: Bottleneck = .none,
        timeseries: [TimeSeriesPoint] = []
    ) {
        self.id = id
        self.system = system
        self.connections = connections
        self.repeatIndex = repeatIndex
        self.status = status
        self.error = error
        self.durationSeconds = durationSeconds
        self.requests = requests
        self.errors = errors
        self.errorsByKind = errorsByKind
        self.requestsPerSecond = requestsPerSecond
        self.latency = latency
        self.server = server
        self.clients = clients
        self.bottleneck = bottleneck
        self.timeseries = timeseries
    }

    /// Connections opened per second of the window (churn), 0 without a window.
    public var connectionsOpenedPerSecond: Double {
        durationSeconds > 0 ? Double(connectionsOpened) / durationSeconds : 0
    }

    /// How messages name the cell: "builtin c100 r1", with the scenario, replicas (when more
    /// than one), cpus, tls and rate when set: "unary builtin replicas3 cpus0.5 tls c100 5000/s r1".
    public var label: String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        parts.append(system)
        if replicas > 1 { parts.append("replicas\(replicas)") }
        if let cpus { parts.append("cpus" + SLOVerdict.trimmed(cpus, decimals: 3)) }
        if tls { parts.append("tls") }
        parts.append("c\(connections)")
        if let ratePerSecond { parts.append(SLOVerdict.trimmed(ratePerSecond, decimals: 1).filter { $0 != "," } + "/s") }
        parts.append("r\(repeatIndex)")
        return parts.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey {
        case id, system, connections, status, error, requests, errors, server, clients, bottleneck, timeseries
        case scenario, replicas, cpus, servers, target, tls
        case ratePerSecond = "rate_per_second"
        case sloMet = "slo_met"
        case sloMisses = "slo_misses"
        case connectionsOpened = "connections_opened"
        case connect = "connect_us"
        case pauses, unfinished
        case unfinishedOldestUs = "unfinished_oldest_us"
        case streams
        case streamsPerSecond = "streams_per_second"
        case requestsAre = "requests_are"
        case repeatIndex = "repeat"
        case durationSeconds = "duration_s"
        case errorsByKind = "errors_by_kind"
        case errorMessages = "error_messages"
        case requestsPerSecond = "requests_per_second"
        case latency = "latency_us"
    }

    /// Encodes per SPEC.md; `error` is written even when nil, because the schema shows `"error": null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(system, forKey: .system)
        try container.encode(connections, forKey: .connections)
        try container.encode(repeatIndex, forKey: .repeatIndex)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(requests, forKey: .requests)
        try container.encode(errors, forKey: .errors)
        try container.encode(errorsByKind, forKey: .errorsByKind)
        if !errorMessages.isEmpty { try container.encode(errorMessages, forKey: .errorMessages) }
        try container.encode(requestsPerSecond, forKey: .requestsPerSecond)
        try container.encode(requestsAre, forKey: .requestsAre)
        try container.encode(streams, forKey: .streams)
        try container.encode(streamsPerSecond, forKey: .streamsPerSecond)
        try container.encode(latency, forKey: .latency)
        try container.encode(server, forKey: .server)
        try container.encode(clients, forKey: .clients)
        try container.encode(bottleneck, forKey: .bottleneck)
        try container.encode(timeseries, forKey: .timeseries)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(target, forKey: .target)
        try container.encode(replicas, forKey: .replicas)
        if replicas > 1 { try container.encode(servers, forKey: .servers) }
        try container.encode(cpus, forKey: .cpus)
        try container.encode(tls, forKey: .tls)
        try container.encode(ratePerSecond, forKey: .ratePerSecond)
        try container.encode(sloMet, forKey: .sloMet)
        try container.encode(sloMisses, forKey: .sloMisses)
        try container.encode(connectionsOpened, forKey: .connectionsOpened)
        try container.encode(connect, forKey: .connect)
        try container.encode(pauses, forKey: .pauses)
        try container.encode(unfinished, forKey: .unfinished)
        try container.encode(unfinishedOldestUs, forKey: .unfinishedOldestUs)
    }

    /// Decodes a cell; the additions to SPEC.md's schema (`id`, `errors_by_kind`) may be missing.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        system = try container.decode(String.self, forKey: .system)
        connections = try container.decode(Int.self, forKey: .connections)
        repeatIndex = try container.decode(Int.self, forKey: .repeatIndex)
        status = try container.decode(CellStatus.self, forKey: .status)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        requests = try container.decode(UInt64.self, forKey: .requests)
        errors = try container.decode(UInt64.self, forKey: .errors)
        errorsByKind = try container.decodeIfPresent([String: UInt64].self, forKey: .errorsByKind) ?? [:]
        errorMessages = try container.decodeIfPresent([String: String].self, forKey: .errorMessages) ?? [:]
        requestsPerSecond = try container.decode(Double.self, forKey: .requestsPerSecond)
        latency = try container.decode(LatencySummary.self, forKey: .latency)
        server = try container.decodeIfPresent(ServerFigures.self, forKey: .server)
        clients = try container.decode(ClientFigures.self, forKey: .clients)
        // Summaries written before these fields existed still read.
        bottleneck = try container.decodeIfPresent(Bottleneck.self, forKey: .bottleneck) ?? .none
        timeseries = try container.decodeIfPresent([TimeSeriesPoint].self, forKey: .timeseries) ?? []
        scenario = try container.decodeIfPresent(String.self, forKey: .scenario)
        target = try container.decodeIfPresent(String.self, forKey: .target)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        servers = try container.decodeIfPresent([ReplicaFigures].self, forKey: .servers) ?? []
        cpus = try container.decodeIfPresent(Double.self, forKey: .cpus)
        tls = try container.decodeIfPresent(Bool.self, forKey: .tls) ?? false
        ratePerSecond = try container.decodeIfPresent(Double.self, forKey: .ratePerSecond)
        sloMet = try container.decodeIfPresent(Bool.self, forKey: .sloMet)
        sloMisses = try container.decodeIfPresent([String].self, forKey: .sloMisses) ?? []
        connectionsOpened = try container.decodeIfPresent(UInt64.self, forKey: .connectionsOpened) ?? 0
        connect = try container.decodeIfPresent(ConnectFigures.self, forKey: .connect) ?? ConnectFigures()
        pauses = try container.decodeIfPresent(PauseFigures.self, forKey: .pauses) ?? PauseFigures()
        unfinished = try container.decodeIfPresent(UInt64.self, forKey: .unfinished) ?? 0
        unfinishedOldestUs = try container.decodeIfPresent(UInt64.self, forKey: .unfinishedOldestUs) ?? 0
        // `requests_are` is derived from `streams`, so the two cannot disagree.
        streams = try container.decodeIfPresent(UInt64.self, forKey: .streams)
        streamsPerSecond = streams == nil ? nil : try container.decodeIfPresent(Double.self, forKey: .streamsPerSecond)
    }
}
