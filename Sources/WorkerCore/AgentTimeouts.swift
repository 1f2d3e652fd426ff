/// The worker side's times, in one place: the worker agent owns its shutdown and its
/// children's (load threads end at once; a server gets `serverGraceMs` after SIGTERM).
public struct AgentTimeouts: Sendable, Equatable {
    /// How often the agent looks at the time: the silence check, a server's samples.
    public var tickMs: UInt64 = 1000
    /// Silence after which the worker takes its coordinator for gone and ends itself.
    public var silenceMs: UInt64 = 10_000
    /// How long a stopping server has between SIGTERM and SIGKILL.
    public var serverGraceMs: UInt64 = 2000

    public init() {}
}
