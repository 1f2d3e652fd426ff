import Cgroups

/// A `CgroupLimiter` as the runner's `LayerCgroup`.
final class LimiterCgroup: LayerCgroup {
    private let limiter: CgroupLimiter

    init(limiter: CgroupLimiter) {
        self.limiter = limiter
    }

    var directories: [String] { limiter.directories }

    var summary: String { limiter.plan.summary }

    func oomKills() -> UInt64? { limiter.oomKills() }

    func memoryPeakBytes() -> UInt64? { limiter.memoryPeakBytes() }

    func remove() throws(ServerLayerError) {
        do {
            try limiter.remove()
        } catch {
            throw ServerLayerError(description: error.message)
        }
    }
}
