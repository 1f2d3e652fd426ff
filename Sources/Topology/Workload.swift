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
    /// Closed or open loop.
    public var rate: Rate
    /// Time before measuring starts, in milliseconds (may be 0).
    public var warmupMilliseconds: Int
    /// Measured time per cell, in milliseconds (> 0).
    public var durationMilliseconds: Int
    /// How many times each (system, connections) cell runs, >= 1.
    public var repeatCount: Int

    /// Creates a workload; defaults match the file format's.
    public init(protocolKind: WorkloadProtocol, call: Call = .unary, payloadBytes: Int, connections: [Int],
                concurrency: Int = 1, rate: Rate = .max, warmupMilliseconds: Int = 2_000,
                durationMilliseconds: Int = 10_000, repeatCount: Int = 1) {
        self.protocolKind = protocolKind
        self.call = call
        self.payloadBytes = payloadBytes
        self.connections = connections
        self.concurrency = concurrency
        self.rate = rate
        self.warmupMilliseconds = warmupMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.repeatCount = repeatCount
    }
}
