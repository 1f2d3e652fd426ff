/// The cell's cgroup, live.
protocol LayerCgroup: AnyObject {
    /// The cgroup's directories, one per hierarchy, for `barrage cgexec`.
    var directories: [String] { get }
    /// The limits as enforced here, for the log.
    var summary: String { get }
    /// OOM kills inside it so far.
    func oomKills() -> UInt64?
    /// Its memory peak so far.
    func memoryPeakBytes() -> UInt64?
    /// Kills what is left in it and removes it.
    func remove() throws(ServerLayerError)
}
