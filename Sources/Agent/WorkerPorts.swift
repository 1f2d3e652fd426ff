import Metrics
import Wire

/// Everything the worker agent's executor touches outside itself: the control channel, the
/// process's limits, the runners it starts, and the end. `LoopWorkerPorts` is the real one on
/// a libuv loop; tests pass fakes driven in virtual time.
protocol WorkerPorts: AnyObject {
    /// Sends to the coordinator.
    func send(_ message: WorkerMessage)
    /// Writes one line to stderr.
    func log(_ line: String)
    /// Raises the open-files limit to the hard limit; the limits after.
    func raiseOpenFiles() -> (soft: UInt64, hard: UInt64)
    /// A server runner for `setup`, not started; its answers go to the closures.
    func makeServer(
        _ setup: ServerSetup, ready: @escaping (ServerReadyReport) -> Void, failed: @escaping (String) -> Void,
        building: @escaping () -> Void
    ) throws -> any ServerRole
    /// A client runner for `setup` with its threads started, not connected.
    func makeClient(_ setup: ClientSetup) throws -> any ClientRole
    /// This host's facts for a server result.
    func hostFacts(name: String) -> HostFacts
    /// Flushes the channel, closes everything and ends the worker's loop.
    func exit()
}
