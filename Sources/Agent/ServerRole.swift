import Metrics
import Serve
import Wire

/// What the worker agent asks of a server worker's runner (`ServerRunner`; tests pass a fake).
protocol ServerRole: AnyObject {
    /// Builds if asked, then starts and probes the system.
    func start()
    /// Notes the window's edge in the samples.
    func mark(_ edge: WindowMark)
    /// The samples taken since the last call.
    func takeSamples() -> [ResourceSample]
    /// What was sampled, for `node` on `host`.
    func result(node: String, host: String) -> ServerNodeResult
    /// Stops the system: SIGTERM, SIGKILL after `graceMs`; `completion` once it is gone.
    func terminate(graceMs: UInt64, completion: @escaping () -> Void)
}

extension ServerRunner: ServerRole {}
