import WorkerCore

/// Where a `ServerRunner` is, with what it holds there.
enum ServerRunnerState {
    /// Not started.
    case idle
    /// The recipe's `build` runs.
    case building(any LayerChild)
    /// Started; a TCP connect is tried until one is accepted or `deadlineMs` (loop time) passes.
    case starting(RunningSystem, probe: (any LayerProbe)?, deadlineMs: UInt64)
    /// Accepting connections; the coordinator marks the window.
    case serving(RunningSystem, ServingRecord)
    /// Asked to stop: SIGTERM sent to the server's process group (nil: a build, killed
    /// outright); `waiting` runs once it has exited.
    case stopping(RunningSystem?, ServingRecord, waiting: [() -> Void])
    /// Gone, failed or never started.
    case stopped(ServingRecord)
}
