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
    /// Failed requests inside the window, by kind (e.g. "connection", "timeout", "grpc-status-12").
    public var errors: [String: UInt64]
    /// Latency of the successful requests inside the window.
    public var histogram: LatencyHistogram
    /// CPU seconds the worker process used inside the window.
    public var cpuSeconds: Double
    /// Largest RSS of the worker process over the cell, bytes.
    public var rssPeakBytes: UInt64
    /// Open loop: requests that went out later than scheduled inside the window — the
    /// generator could not keep the asked rate (latency still counts from the schedule).
    public var lateSends: UInt64

    public init(node: String, host: String, connectionsAsked: Int, connectionsEstablished: Int,
                connectFailures: [String: UInt64], threads: Int, window: MeasurementWindow,
                requests: UInt64, errors: [String: UInt64], histogram: LatencyHistogram,
                cpuSeconds: Double, rssPeakBytes: UInt64, lateSends: UInt64 = 0) {
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
    }

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
    }
}
