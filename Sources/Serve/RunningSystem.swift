import ProcessSampler
import UV

/// A started system under test: its process (leader of its own session and process group),
/// the port it was told, its tree's sampler and its stderr.
struct RunningSystem {
    let process: Process
    let port: Int
    let sampler: ProcessTreeSampler
    let stderr: StderrRelay

    /// Also its process group and session id (it was started detached).
    var pid: Int32 { process.pid }
}
