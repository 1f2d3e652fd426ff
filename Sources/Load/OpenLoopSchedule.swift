/// Open loop: when a load generator's sends are due. Sends are evenly spaced at the generator's
/// total rate and dealt round-robin over its connections, so each connection gets an even share
/// at an even spacing and the whole schedule needs one timer, not one per connection or request.
struct OpenLoopSchedule {
    /// When send 0 is due (ns, monotonic).
    let startNs: UInt64
    /// Time between two consecutive sends of the generator.
    let spacingNs: Double
    /// The number of the next send.
    private(set) var next: UInt64 = 0

    /// The longest spacing kept (about 11.6 days, longer than any window): a rate so low
    /// that its spacing is longer sends nothing in the window either way, and the spacing
    /// still fits in the clock's `UInt64` nanoseconds.
    static let maximumSpacingNs = 1e15

    /// A rate that is not a positive number (a setup gone wrong) sends nothing.
    init(startNs: UInt64, ratePerSecond: Double) {
        self.startNs = startNs
        let spacing = 1e9 / ratePerSecond
        spacingNs = spacing.isFinite && spacing > 0 ? min(spacing, Self.maximumSpacingNs) : Self.maximumSpacingNs
    }

    /// When the next send is due. Computed from its number rather than accumulated, so rounding
    /// never drifts the schedule; never past the clock's end.
    var nextDueNs: UInt64 {
        let offset = Double(next) * spacingNs
        return offset < 9e18 ? startNs &+ UInt64(offset) : UInt64.max
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
