import TLSSettings
import Topology

/// Everything a client worker needs to drive its share of the load.
public struct ClientSetup: Codable, Sendable, Equatable {
    /// Node name in results ("client-1", …).
    public var node: String
    /// Topology host name.
    public var host: String
    /// The server replicas, in the order this worker's connections take them round-robin
    /// (connection `i` to `targets[i % count]`); one for a cell with one server.
    public var targets: [ServerEndpoint]
    public var protocolKind: WorkloadProtocol
    public var call: Call
    public var payloadBytes: Int
    /// This worker's share of the cell's connections.
    public var connections: Int
    /// Requests in flight per connection.
    public var concurrency: Int
    /// Event-loop threads.
    public var threads: Int
    /// This worker's share of an open-loop rate, requests per second; nil = closed loop.
    public var ratePerSecond: Double?
    /// A request not answered within this is an error ("timeout").
    public var requestTimeoutMs: UInt64
    /// How long connecting all connections may take.
    public var connectTimeoutMs: UInt64
    /// gRPC: call this `:path` instead of the method's own (`barrage load --path`); nil = the method's.
    public var path: String?
    /// Connection churn: each connection retires after this lifetime or these calls and is
    /// replaced at once; nil = connections stay open.
    public var connectionLifetime: ConnectionLifetime?
    /// The shortest silence of the server the worker reports as a pause, milliseconds.
    public var pauseThresholdMs: UInt64 = UInt64(Workload.defaultPauseMilliseconds)
    /// gRPC: headers sent on every call.
    public var metadata: [MetadataEntry]
    /// gRPC: the deadline sent as `grpc-timeout`; the client gives up on a call then too and
    /// counts it `DEADLINE_EXCEEDED`. Nil: no deadline (the request timeout still applies).
    public var deadlineMs: UInt64?
    /// gRPC: how request messages are compressed.
    public var compression: MessageCompression
    /// h2 over TLS as this says; nil = plaintext.
    public var tls: TLSClientSettings?
    /// TLS files sent as text (the run's CA, or a user's files read by the coordinator): the
    /// worker writes them to private files and points `tls` at them; nil = `tls`'s paths as they are.
    public var tlsPEM: TLSClientPEM?
    /// gRPC: a user's method, its streaming kind and encoded requests instead of `bench.Echo`
    /// (`call`, `payloadBytes`); nil for Echo.
    public var service: ServiceCall?

    public init(
        node: String, host: String, targets: [ServerEndpoint], protocolKind: WorkloadProtocol,
        call: Call, payloadBytes: Int, connections: Int, concurrency: Int, threads: Int,
        ratePerSecond: Double?, requestTimeoutMs: UInt64, connectTimeoutMs: UInt64, path: String? = nil,
        connectionLifetime: ConnectionLifetime? = nil,
        pauseThresholdMs: UInt64 = UInt64(Workload.defaultPauseMilliseconds),
        metadata: [MetadataEntry] = [], deadlineMs: UInt64? = nil, compression: MessageCompression = .identity,
        tls: TLSClientSettings? = nil, tlsPEM: TLSClientPEM? = nil, service: ServiceCall? = nil
    ) {
        self.tlsPEM = tlsPEM
        self.tls = tls
        self.service = service
        self.path = path
        self.connectionLifetime = connectionLifetime
        self.pauseThresholdMs = pauseThresholdMs
        self.metadata = metadata
        self.deadlineMs = deadlineMs
        self.compression = compression
        self.node = node
        self.host = host
        self.targets = targets
        self.protocolKind = protocolKind
        self.call = call
        self.payloadBytes = payloadBytes
        self.connections = connections
        self.concurrency = concurrency
        self.threads = threads
        self.ratePerSecond = ratePerSecond
        self.requestTimeoutMs = requestTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
    }

    /// The targets as messages name them: `10.0.0.1:9000, 10.0.0.2:9000`.
    public var targetsDescription: String {
        targets.map(\.description).joined(separator: ", ")
    }
}
