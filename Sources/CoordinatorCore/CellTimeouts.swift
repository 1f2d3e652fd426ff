/// Deadlines of each phase, and the timed phases' lengths, in milliseconds.
public struct CellTimeouts: Equatable, Sendable {
    /// Warmup length (from the topology).
    public var warmupMs: UInt64
    /// Measurement window length (from the topology).
    public var measureMs: UInt64
    /// Server worker: spawn → ready (includes a recipe's `build` on first use).
    public var serverReadyMs: UInt64
    /// Client workers: spawn → every connection attempted.
    public var clientsReadyMs: UInt64
    /// Any request/answer exchange: mark, stop.
    public var exchangeMs: UInt64
    /// After control channels close, how long workers get to exit before SIGKILL (default:
    /// `ShutdownTimeouts`, the one table of shutdown's waits).
    public var gracefulExitMs: UInt64
    /// After SIGKILL, how long to wait for the exits before giving up on them.
    public var killMs: UInt64

    public init(
        warmupMs: UInt64, measureMs: UInt64, serverReadyMs: UInt64 = 120_000,
        clientsReadyMs: UInt64 = 60_000, exchangeMs: UInt64 = 10_000,
        gracefulExitMs: UInt64 = ShutdownTimeouts.standard.gracefulExitMs,
        killMs: UInt64 = ShutdownTimeouts.standard.killMs
    ) {
        self.warmupMs = warmupMs
        self.measureMs = measureMs
        self.serverReadyMs = serverReadyMs
        self.clientsReadyMs = clientsReadyMs
        self.exchangeMs = exchangeMs
        self.gracefulExitMs = gracefulExitMs
        self.killMs = killMs
    }
}
