import Metrics
import Wire

/// What the worker agent's executor does, in order, for one event.
public enum AgentAction: Sendable, Equatable {
    /// Tell the coordinator.
    case send(WorkerMessage)
    /// One line on stderr (the coordinator keeps it in `logs/`).
    case log(String)
    /// Raise the open-files limit to the hard limit and answer `openFiles`.
    case raiseOpenFiles
    /// Start serving (answers come as `runnerSaid`, `serverFailed` or `setupFailed`).
    case startServer(ServerSetup)
    /// Start the client and connect (answers come as `runnerSaid` or `setupFailed`).
    case startClient(ClientSetup)
    /// The client starts load.
    case startLoad
    /// The server or client marks the window's edge (a client answers `marked` itself).
    case mark(WindowMark)
    /// The client stops load and reports its result.
    case stopClient
    /// Send what the server sampled, with its host's facts.
    case sendServerResult
    /// Send the server's samples taken since the last time, if any.
    case sendServerSamples
    /// Stop the server (SIGTERM, SIGKILL after `graceMs`); nothing waits for it.
    case stopServer(graceMs: UInt64)
    /// End everything started (client threads at once, a server within `graceMs`); answer
    /// `childrenEnded` when it has ended.
    case endChildren(graceMs: UInt64)
    /// Flush the channel, close it and end the worker.
    case exit
}
