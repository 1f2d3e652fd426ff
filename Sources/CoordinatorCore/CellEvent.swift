import Metrics
import Wire

/// Something that happened to a cell, fed to `CellStateMachine` by the driver (or a test).
public enum CellEvent: Equatable, Sendable {
    /// Start the cell.
    case begin
    /// A worker's process could not be started at all.
    case spawnFailed(node: String, reason: String)
    /// A control message arrived from a worker.
    case message(node: String, WorkerMessage)
    /// A worker's control channel broke (garbage, or closed while its process lives on).
    case channelBroken(node: String, reason: String)
    /// A worker process ended, with how.
    case exited(node: String, status: ExitStatus)
    /// The timer armed by `startTimer(generation:…)` went off.
    case timerFired(generation: Int)
    /// The user asked to stop (SIGINT or SIGTERM).
    case interrupt(reason: String)
    /// Between trials: run another one, with fresh clients, measuring this long.
    case nextTrial(measureMs: UInt64)
    /// Between trials: no more trials; collect the server's samples and end the cell.
    case endTrials
}

/// What the driver must do in answer to an event, in order.
public enum CellAction: Equatable, Sendable {
    /// Spawn this server worker (and later send it its setup).
    case spawnServer(node: String)
    /// Spawn every client worker.
    case spawnClients
    /// Send this node its setup message (the driver builds it from the plan and the server's port).
    case sendSetup(node: String)
    /// Send a control message.
    case send(node: String, CoordinatorMessage)
    /// Arm the cell's one timer, replacing any armed one.
    case startTimer(generation: Int, milliseconds: UInt64)
    /// Close the worker's control channel: it kills what it started and exits.
    case closeControl(node: String)
    /// SIGKILL the worker, and for the server also the system's process group.
    case kill(node: String)
    /// A trial's clients reported and exited (`CellMode.trials`); the server is still up. The
    /// driver answers with `nextTrial` or `endTrials`.
    case trialEnded
    /// The cell is over; no worker of it is left.
    case finished(CellOutcome)
}
