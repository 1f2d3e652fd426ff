/// Open loop: when a load worker's sends are due. Sends are evenly spaced at the worker's
/// total rate and dealt round-robin over its connections, so each connection gets an even share
/// at an even spacing and the whole schedule needs one timer, not one per connection or request.
struct OpenLoopSchedule {
    /// When send 0 is due (ns, monotonic).
    let startNs: UInt64
    /// Time between two consecutive sends of the worker.
    let spacingNs: Double
    /// The number of the next send.
    private(set) var next: UInt64 = 0

    init(startNs: UInt64, ratePerSecond: Double) {
        self.startNs = startNs
        spacingNs = 1e9 / ratePerSecond
    }

    /// When the next send is due. Computed from its number rather than accumulated, so rounding
    /// never drifts the schedule.
    var nextDueNs: UInt64 {
        startNs &+ UInt64(Double(next) * spacingNs)
    }

    /// Which of `count` connections the next send goes to.
    func nextTarget(among count: Int) -> Int {
        Int(next % UInt64(count))
    }

    /// Moves on to the following send.
    mutating func advance() {
        next &+= 1
    }
}
