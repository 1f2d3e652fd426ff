/// One worker process as the cell's state machine sees it.
enum WorkerState: Equatable, Sendable {
    /// Not spawned yet.
    case notStarted
    /// Spawned; no hello yet.
    case spawned
    /// Said hello and got its setup; not ready yet.
    case greeted
    /// Reported ready.
    case ready
    /// We closed its control channel: its exit is expected.
    case closing
    /// Its process is gone.
    case exited
}
