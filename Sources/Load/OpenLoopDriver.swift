/// The open loop of one load generator, without any I/O: one schedule for the whole generator
/// (sends evenly spaced at its rate, dealt round-robin over the connections that were up at
/// the start), and per connection the backlog of sends that came due while all its streams
/// were busy. The generator calls `dispatch` from its one schedule timer and `drain` whenever a
/// connection freed a stream; the time always comes in as an argument, so tests drive it with
/// a hand-moved clock.
///
/// The rules that keep the figures honest:
/// - A send goes out at most `horizonNs` before it is due (the timer has millisecond
///   resolution), and its latency then counts from the real send, never from the later due
///   time: `startNs = min(due, now)`.
/// - A send due while its connection is busy (or has older sends waiting) waits in order and
///   counts from its due time: the queueing is the server's doing (`queued`).
/// - A send that found a stream free but went out ≥ `lateThresholdNs` after it was due is
///   the generator's own lateness (`late`); it also counts from its due time.
final class OpenLoopDriver {
    /// How early a send may leave by default: the schedule timer's resolution.
    static let dispatchHorizonNs: UInt64 = 1_000_000
    /// How late a send with a free stream may leave before it counts as late.
    static let lateThresholdNs: UInt64 = 1_000_000
    /// Sends dispatched per call at most, so a generator far behind still gets back to I/O.
    static let dispatchBatch = 10_000

    /// How early a send may leave.
    let horizonNs: UInt64
    private var schedule: OpenLoopSchedule
    /// The connections the schedule deals to, in order.
    private let targets: [Int32]
    /// Per connection (by the generator's index): sends waiting for a stream.
    private var backlogs: [SendBacklog]

    /// A schedule starting at `startNs` at `ratePerSecond`, dealt over `targets` (indices
    /// below `connectionCount`), sending up to `horizonNs` early.
    init(
        startNs: UInt64, ratePerSecond: Double, targets: [Int32], connectionCount: Int,
        horizonNs: UInt64 = OpenLoopDriver.dispatchHorizonNs
    ) {
        self.horizonNs = horizonNs
        schedule = OpenLoopSchedule(startNs: startNs, ratePerSecond: ratePerSecond)
        self.targets = targets
        backlogs = Array(repeating: SendBacklog(), count: connectionCount)
        let spacing = UInt64(min(schedule.spacingNs * Double(max(targets.count, 1)), OpenLoopSchedule.maximumSpacingNs))
        for target in targets { backlogs[Int(target)].spacingNs = spacing }
    }

    /// When the next send is due (ns).
    var nextDueNs: UInt64 { schedule.nextDueNs }

    /// Sends waiting on `connection`.
    func backlogCount(of connection: Int) -> Int { backlogs[connection].count }

    /// Deals every send due by `nowNs + horizonNs` (at most `dispatchBatch`).
    /// Returns how many sends it dealt.
    @discardableResult
    func dispatch(nowNs: UInt64, to port: some OpenLoopPort) -> Int {
        guard !targets.isEmpty else { return 0 }
        let horizon = nowNs &+ horizonNs
        var dealt = 0
        while dealt < Self.dispatchBatch, schedule.nextDueNs <= horizon {
            let position = schedule.nextTarget(among: targets.count)
            let due = schedule.nextDueNs
            schedule.advance()
            dealt += 1
            offer(due, to: position, nowNs: nowNs, port: port)
        }
        return dealt
    }

    /// Connections tried in turn for a send whose own connection is being replaced.
    static let standInCandidates = 8

    private func offer(_ due: UInt64, to position: Int, nowNs: UInt64, port: some OpenLoopPort) {
        let connection = Int(targets[position])
        switch port.availability(of: connection) {
        case .down:
            port.failedDown(on: connection)
        case .replacing:
            // Churn: the next connections in the round take the send if one has a stream free
            // and nothing waiting, so a reconnect delays no call that another connection could
            // carry; otherwise it waits for the replacement, counted from its due time.
            let late = nowNs >= due &+ Self.lateThresholdNs
            for step in stride(from: 1, through: min(Self.standInCandidates, targets.count - 1), by: 1) {
                let other = Int(targets[(position + step) % targets.count])
                if port.availability(of: other) == .free, backlogs[other].count == 0,
                    port.send(on: other, startNs: min(due, nowNs), nowNs: nowNs, late: late)
                {
                    return
                }
            }
            backlogs[connection].push(intendedNs: due)
            port.queued(on: connection)
        case .free where backlogs[connection].count == 0:
            let late = nowNs >= due &+ Self.lateThresholdNs
            if port.send(on: connection, startNs: min(due, nowNs), nowNs: nowNs, late: late) { return }
            backlogs[connection].push(intendedNs: due)
            port.queued(on: connection)
        case .free, .busy:
            backlogs[connection].push(intendedNs: due)
            port.queued(on: connection)
        }
    }

    /// `connection` may have freed streams: sends its waiting sends in order, each counted
    /// from its due time (the oldest is never later than now: it waited).
    func drain(_ connection: Int, nowNs: UInt64, to port: some OpenLoopPort) {
        while let due = backlogs[connection].oldestIntendedNs, port.availability(of: connection) == .free,
            port.send(on: connection, startNs: min(due, nowNs), nowNs: nowNs, late: false)
        {
            _ = backlogs[connection].pop()
        }
    }

    /// `connection` went down: forgets its waiting sends; returns how many there were (they
    /// fail with it).
    func dropBacklog(of connection: Int) -> Int {
        backlogs[connection].removeAll()
    }
}
