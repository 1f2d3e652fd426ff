import Cgroups

/// The cell's cgroup as the runner holds it: none (no limits), live, or removed with its
/// memory peak kept for the result.
enum ServerCgroup {
    case unlimited
    case limited(CgroupLimiter)
    case released(memoryPeakBytes: UInt64?)

    /// The cgroup's memory peak, read live or as it was at removal.
    var memoryPeakBytes: UInt64? {
        switch self {
        case .unlimited: nil
        case .limited(let limiter): limiter.memoryPeakBytes()
        case .released(let peak): peak
        }
    }

    /// The live limiter, if any.
    var limiter: CgroupLimiter? {
        if case .limited(let limiter) = self { return limiter }
        return nil
    }
}
