import Control
import Topology
import UV
import Wire

/// Where `RunDriver` starts workers: the real one spawns `barrage worker` here or over ssh
/// (`ProcessLauncher`); tests pass a fake that answers with scripted worker messages.
public protocol WorkerLauncher: AnyObject {
    /// Starts the worker `node` on `host`, its stderr going to `logPath`; what it says and how
    /// it ends arrive through `events`, on the driver's loop and never before this returns.
    func launch(node: String, host: Host, logPath: String, events: WorkerEvents) throws -> any WorkerHandle
}

/// A started worker, as the driver drives it.
public protocol WorkerHandle: AnyObject {
    /// Sends one control message (ignored once the channel is closed).
    func send(_ message: CoordinatorMessage)
    /// Closes the control channel: the worker kills what it started and exits.
    func closeControl()
    /// Sends `signal` to the worker process.
    func kill(_ signal: Int32)
    /// Lets go of the process once it has exited (closing the channel first).
    func release()
}

/// What a worker reports back to the driver.
public struct WorkerEvents {
    /// A control message arrived.
    public var message: (WorkerMessage) -> Void
    /// The control channel ended: closed by the worker, or broken (garbage, a failed read).
    public var channelEnded: (ControlChannelEnd) -> Void
    /// The process ended, with its status.
    public var exited: (ExitStatus) -> Void

    /// Bundles the three callbacks.
    public init(
        message: @escaping (WorkerMessage) -> Void, channelEnded: @escaping (ControlChannelEnd) -> Void,
        exited: @escaping (ExitStatus) -> Void
    ) {
        self.message = message
        self.channelEnded = channelEnded
        self.exited = exited
    }
}
