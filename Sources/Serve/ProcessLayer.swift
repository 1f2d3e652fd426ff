import Metrics
import TLSSettings
import Topology
import Wire
import WorkerCore

/// Everything a `ServerRunner` does to the operating system, and its clocks: spawning and
/// signalling processes, probing a port, sampling a process tree, the cell's cgroup, files.
/// Production is `LoopProcessLayer` (libuv, /proc, cgroupfs); tests pass one that runs in
/// virtual time, so the runner's every path (a failed build, an exit during the probe, a
/// stop that needs SIGKILL) is driven without a process.
protocol ProcessLayer: AnyObject {
    /// Milliseconds on the loop's monotonic clock: the ready deadline.
    var nowMs: UInt64 { get }
    /// Milliseconds that sample times and window edges are in.
    func sampleClockMs() -> UInt64
    /// A new timer.
    func makeTimer() throws -> any LayerTimer
    /// CPUs online on this host.
    var hostCores: Int { get }
    /// The worker's own environment, for what a system or build inherits.
    func inheritedEnvironment() -> [(String, String)]
    /// True when `path` is a file this user may execute.
    func isExecutable(_ path: String) -> Bool
    /// Starts `command` as the leader of its own session and process group, its stdout and
    /// stderr to this node's log; `onExit` runs once when it exits.
    func spawn(_ command: ServerCommand, onExit: @escaping (ExitStatus) -> Void) throws -> any LayerChild
    /// Sends `signal` to process group `group` (never to group 0 or 1).
    func signalGroup(_ group: Int32, _ signal: Int32)
    /// Tries one TCP connection to `host:port`; `done(true)` once accepted, `done(false)` when refused.
    func probe(host: String, port: Int, done: @escaping (Bool) -> Void) throws -> any LayerProbe
    /// A port the kernel considers free right now on `host`.
    func freePort(host: String) throws -> Int
    /// One reading of the process tree under `root` at `timeMs`; nil once none of it is left.
    func sample(root: Int32, timeMs: UInt64) -> ResourceSample?
    /// The cell's cgroup enforcing `limits`, made now (stale ones of dead workers swept first).
    func makeCgroup(cellID: String, limits: Limits) throws(ServerLayerError) -> any LayerCgroup
    /// What the system says it was built from.
    func versions(from source: VersionsSource) -> [String: String]
    /// The certificate and key written to files only this user can read; `remove` deletes them.
    func writeTLSFiles(_ certificate: IssuedCertificate) throws -> (files: ServerTLSFiles, remove: () -> Void)
    /// A line for this node's log.
    func log(_ line: String)
}
