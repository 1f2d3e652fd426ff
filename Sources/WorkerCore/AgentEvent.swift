import Wire

/// What happens to a worker agent: the coordinator's messages, the time, the answers of
/// what it started, and the ends (channel closed, SIGTERM).
public enum AgentEvent: Sendable {
    /// The agent runs: it says hello with its process id and the CPUs online here.
    case began(pid: Int32, cores: Int, nowMs: UInt64)
    /// A message from the coordinator, at `nowMs` (any message says the coordinator is there).
    case received(CoordinatorMessage, nowMs: UInt64)
    /// The agent's periodic look at the time.
    case tick(nowMs: UInt64)
    /// The open-files limit after raising it to the hard limit (asked by `raiseOpenFiles`).
    case openFiles(soft: UInt64, hard: UInt64)
    /// The server or client could not be set up.
    case setupFailed(String)
    /// What the running server or client has to tell the coordinator (ready, marked,
    /// progress, a second, its result, a failure to connect).
    case runnerSaid(WorkerMessage)
    /// The server failed (did not build, start or answer, or exited).
    case serverFailed(String)
    /// The control channel ended: nil when closed, else why it broke.
    case channelEnded(String?)
    /// SIGTERM (or a remote shell's hangup): the same as a closed channel.
    case terminated
    /// What the agent started has ended (after `endChildren`).
    case childrenEnded
}
