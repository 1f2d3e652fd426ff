import Metrics

/// A message from the coordinator to a worker, on the worker's stdin.
///
/// The exchange follows the gRPC benchmark driver's: the worker's first message is `hello`,
/// answered by one setup; `mark` closes one interval and opens the next; `stop` asks for the
/// result; the coordinator closing the channel means "kill what you started and exit".
public enum CoordinatorMessage: ControlMessage {
    /// Start serving; answered by `serverReady` or `failed`.
    case setupServer(ServerSetup)
    /// Connect; answered by `clientReady` or `failed`.
    case setupClient(ClientSetup)
    /// Clients: begin sending load.
    case start
    /// Open or close the measurement window; answered by `marked` with the same edge.
    case mark(WindowMark)
    /// Stop load or the server and answer with the result.
    case stop
    /// Sent every second: a worker that hears nothing for `AgentTimeouts.silenceMs` takes its
    /// coordinator for gone (a cut network can leave an ssh session open for hours) and exits.
    case heartbeat

    public static var direction: ControlDirection { .toWorker }
}
