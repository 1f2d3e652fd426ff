import Metrics

/// A message from a worker to the coordinator, on the worker's stdout.
public enum WorkerMessage: ControlMessage {
    /// First message of every worker, with the CPUs online on its host (the builtin server is
    /// sized from its server host's). `version` and `pid` never change shape, so that a
    /// coordinator and a worker of different builds still read each other's version and say
    /// so; `cores` reads as 0 from a worker that does not send it.
    case hello(version: Int, pid: Int32, cores: Int)
    /// A server worker's system accepts connections.
    case serverReady(ServerReadyReport)
    /// A client worker attempted every connection.
    case clientReady(ClientReadyReport)
    /// The window edge of a `mark` was taken.
    case marked(WindowMark)
    /// A client worker's measurement, answering `stop`: the window's totals and histogram; its
    /// seconds went out before as `interval`s (`intervals` is empty), so the frame's size does
    /// not grow with the window.
    case clientResult(ClientNodeResult)
    /// A server worker's samples not yet sent as `serverSamples`, answering `stop` (or sent
    /// just before `failed`).
    case serverResult(ServerNodeResult)
    /// A client: one second of the window, sent about a second after it ended.
    case interval(ClientInterval)
    /// A server: the samples taken since its last `serverSamples` (about once a second).
    case serverSamples([ResourceSample])
    /// The worker cannot go on; `reason` is for the user.
    case failed(reason: String)
    /// Live figures for progress lines (clients, about once a second).
    case progress(ProgressReport)
    /// Server: the recipe's `build` is running (first use, or the recipe changed), so the
    /// progress line can say why starting takes long; `serverReady` or `failed` still follows.
    case building(system: String)

    public static var direction: ControlDirection { .toCoordinator }
}
