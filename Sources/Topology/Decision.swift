/// The topology's `decision`: what the decision block sizes for.
public struct Decision: Sendable, Equatable {
    /// The load cores are sized for at the SLO, requests per second (> 0).
    public var loadPerSecond: Double

    /// Creates a decision setting.
    public init(loadPerSecond: Double) {
        self.loadPerSecond = loadPerSecond
    }
}
