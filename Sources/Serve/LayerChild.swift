/// A spawned process: the leader of its own process group.
protocol LayerChild: AnyObject {
    /// Its pid, also its process group's and session's id.
    var pid: Int32 { get }
    /// The last non-blank line it wrote to stderr, once `finish()` has run.
    var lastLine: String? { get }
    /// It has exited: what it wrote is read to the end and its stderr closed.
    func finish()
}
