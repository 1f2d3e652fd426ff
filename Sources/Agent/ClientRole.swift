import Metrics
import Wire

/// What the worker agent asks of a client worker's runner (`ClientRunner`; tests pass a fake).
protocol ClientRole: AnyObject {
    /// Connects; `ready` once connected, `failed` when not one connection could be made.
    func connect(ready: @escaping (ClientReadyReport) -> Void, failed: @escaping (String) -> Void)
    /// Starts load: `progress` once a second, `interval` for each complete second of the window.
    func start(progress: @escaping (ProgressReport) -> Void, interval: @escaping (ClientInterval) -> Void)
    /// Marks the window's edge; `done` once every thread has.
    func mark(_ edge: WindowMark, done: @escaping () -> Void)
    /// Stops load; `done` with the window's result.
    func stop(done: @escaping (ClientNodeResult) -> Void)
    /// Ends every load thread at once.
    func shutDown()
}

extension ClientRunner: ClientRole {}
