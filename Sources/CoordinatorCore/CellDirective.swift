import Topology
import Wire

/// What the driver must do for a cell, decided and finished by `CellDirector`: every setup is a
/// message ready to send, every log named, every kill scoped. The driver carries these out and
/// decides nothing.
public enum CellDirective: Equatable, Sendable {
    /// Start worker `node` on `host`, its output in the cell's log `logName`.
    case spawn(node: String, host: Host, logName: String)
    /// Trial `trial`'s client workers are about to start (1 for the cell's only run): the last
    /// trial's client workers, figures and interval logs are to be set aside first.
    case clientsStarting(trial: Int)
    /// Send a control message (a setup, a mark, `start`, `stop`).
    case send(node: String, CoordinatorMessage)
    /// Arm the cell's one timer, replacing any armed one; it feeds back `timerFired(generation:)`.
    case startTimer(generation: Int, milliseconds: UInt64)
    /// Close the worker's control channel: it kills what it started and exits.
    case closeControl(node: String)
    /// SIGKILL the worker, and the system under test's process group when it is on this machine.
    case kill(node: String, processGroup: Int32?)
    /// A line for the user between progress lines (a capacity trial's verdict).
    case note(String)
    /// The cell is over; no worker of it is left.
    case finished(CellOutcome)
}
