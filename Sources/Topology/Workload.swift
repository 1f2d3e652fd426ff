import TLSSettings

/// What the clients do: the `workload` section, with defaults filled in.
public struct Workload: Sendable, Equatable {
    /// tcp-echo or grpc.
    public var protocolKind: WorkloadProtocol
    /// unary or stream (always unary for tcp-echo).
    public var call: Call
    /// Request payload size in bytes, 1...16 MiB.
    public var payloadBytes: Int
    /// Total connection counts to measure, one cell per count, in file order; unique, each >= 1.
    public var connections: [Int]
    /// Requests in flight per connection (1 for tcp-echo).
    public var concurrency: Int
    /// One rate, a rate sweep, or a capacity search.
    public var rates: RateSetting
    /// Bounds the cells must hold (a gate), or the search's target; nil when the file has none.
    public var slo: SLO?
    /// Time before measuring starts, in milliseconds (may be 0).
    public var warmupMilliseconds: Int
    /// Measured time per cell, in milliseconds (> 0); a search's confirm run is this long.
    public var durationMilliseconds: Int
    /// How many times each (system, connections) cell runs, >= 1.
    public var repeatCount: Int
    /// gRPC: headers sent on every call, in file order.
    public var metadata: [MetadataEntry] = []
    /// gRPC: the call deadline in milliseconds, sent as `grpc-timeout`; nil for none.
    public var deadlineMilliseconds: Int?
    /// gRPC: how request messages are compressed.
    public var compression: MessageCompression = .identity
    /// gRPC: a user's method and requests instead of `bench.Echo` (`call`, `payload`); nil for Echo.
    public var service: ServiceSpec?
    /// Connection churn (`connection:`); nil = connections stay open for the whole cell.
    public var connectionLifetime: ConnectionLifetime?
    /// The shortest server pause reported (`pause:`), milliseconds.
    public var pauseMilliseconds = Workload.defaultPauseMilliseconds
    /// gRPC: plaintext, h2 over TLS, or both as a sweep (`tls:`).
    public var tls: TLSSetting = .plain
    /// The contents of `tls: { ca, cert, key }`, read by the loader before anything starts
    /// (the clients may run on other hosts than the files); nil without those files.
    public var tlsFilesPEM: TLSClientPEM?

    /// `pause:` when the file says nothing.
    public static let defaultPauseMilliseconds = 10

    /// The workload's one rate: the first of a sweep, `max` for a search (whose cells carry
    /// their own `CellRate`). Kept for code that knows only single-rate workloads.
    public var rate: Rate {
        get {
            switch rates {
            case .single(let rate): return rate
            case .sweep(let rates): return rates.first ?? .max
            case .search: return .max
            }
        }
        set { rates = .single(newValue) }
    }

    /// Creates a workload; defaults match the file format's. `rates`, when given, wins over `rate`.
    public init(
        protocolKind: WorkloadProtocol, call: Call = .unary, payloadBytes: Int, connections: [Int],
        concurrency: Int = 1, rate: Rate = .max, warmupMilliseconds: Int = 2_000,
        durationMilliseconds: Int = 10_000, repeatCount: Int = 1, rates: RateSetting? = nil,
        slo: SLO? = nil
    ) {
        self.protocolKind = protocolKind
        self.call = call
        self.payloadBytes = payloadBytes
        self.connections = connections
        self.concurrency = concurrency
        self.rates = rates ?? .single(rate)
        self.slo = slo
        self.warmupMilliseconds = warmupMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.repeatCount = repeatCount
    }
}

extension Workload {
    /// A search's trial length, milliseconds; the workload's `duration` when it does not search.
    public var searchTrialMilliseconds: Int {
        if case .search(let settings) = rates { return settings.trialMilliseconds }
        return durationMilliseconds
    }
}
