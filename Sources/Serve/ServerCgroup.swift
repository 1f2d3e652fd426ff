/// The cell's cgroup as the runner holds it: none (no limits), live, or removed with its
/// memory peak kept for the result.
enum ServerCgroup {
    case unlimited
    case limited(any LayerCgroup)
    case released(memoryPeakBytes: UInt64?)

    /// The cgroup's memory peak, read live or as it was at removal.
    var memoryPeakBytes: UInt64? {
        switch self {
        case .unlimited: nil
        case .limited(let cgroup): cgroup.memoryPeakBytes()
        case .released(let peak): peak
        }
    }

    /// The live cgroup, if any.
    var live: (any LayerCgroup)? {
        if case .limited(let cgroup) = self { return cgroup }
        return nil
    }
}
