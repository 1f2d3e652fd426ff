/// How `rate: search` looks for a capacity: the workload's `search` section, defaults filled in.
public struct SearchSettings: Sendable, Equatable, Codable {
    /// The first trial's rate, requests per second in total (> 0).
    public var startPerSecond: Double
    /// Each trial's measured length, milliseconds (> 0).
    public var trialMilliseconds: Int
    /// Bisection stops when the bracket is narrower than this share of its lower end (0.05 = 5 %).
    public var precision: Double

    /// Unmeasured time at the start of every trial after the first: each trial's clients connect
    /// afresh (a client worker's rate is fixed), and their connecting must not count.
    public static let trialSettleMilliseconds = 1_000
    /// Trials a search may take before it stops with what it has (growth from `start`, then bisection).
    public static let maximumTrials = 24
    /// How many trials `barrage validate` assumes a search takes when it estimates the run's length.
    public static let typicalTrials = 10

    /// Creates settings; the defaults are the file format's.
    public init(startPerSecond: Double = 1_000, trialMilliseconds: Int = 5_000, precision: Double = 0.05) {
        self.startPerSecond = startPerSecond
        self.trialMilliseconds = trialMilliseconds
        self.precision = precision
    }
}
