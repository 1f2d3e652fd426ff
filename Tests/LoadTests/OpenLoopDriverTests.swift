import SeededRandom
import Testing

@testable import Load

/// Simulated connections for `OpenLoopDriver`: each has `slots` streams; a test frees them by
/// hand (the server's answer). Records every send and checks, for each, the rules of the open
/// loop against the schedule: the i-th send on connection c was due at
/// `start + (c + i·n)·spacing` (the driver sends each connection's share in order).
private final class SimulatedConnections: OpenLoopPort {
    struct Send: Equatable {
        var connection: Int
        var dueNs: UInt64
        var startNs: UInt64
        var nowNs: UInt64
        var late: Bool
    }

    var busy: [Int]
    let slots: Int
    var down: Set<Int> = []
    /// Connections being replaced (churn).
    var replacing: Set<Int> = []
    var sends: [Send] = []
    var queued = 0
    var failed = 0
    private var sentOn: [Int]
    let startNs: UInt64
    let spacingNs: UInt64

    init(connections: Int, slots: Int, startNs: UInt64, ratePerSecond: Double) {
        busy = Array(repeating: 0, count: connections)
        sentOn = Array(repeating: 0, count: connections)
        self.slots = slots
        self.startNs = startNs
        spacingNs = UInt64(1e9 / ratePerSecond)
    }

    func availability(of connection: Int) -> StreamAvailability {
        if down.contains(connection) { return .down }
        if replacing.contains(connection) { return .replacing }
        return busy[connection] < slots ? .free : .busy
    }

    func send(on connection: Int, startNs: UInt64, nowNs: UInt64, late: Bool) -> Bool {
        let due = self.startNs + UInt64(connection + sentOn[connection] * busy.count) * spacingNs
        sentOn[connection] += 1
        busy[connection] += 1
        sends.append(Send(connection: connection, dueNs: due, startNs: startNs, nowNs: nowNs, late: late))
        return true
    }

    func queued(on connection: Int) { queued += 1 }
    func failedDown(on connection: Int) { failed += 1 }

    /// One answer on `connection`: a stream is free again.
    func answer(_ connection: Int) { busy[connection] -= 1 }

    var lateCount: Int { sends.filter(\.late).count }
}

private let ms: UInt64 = 1_000_000
private let t0: UInt64 = 1_000 * ms

@Suite struct OpenLoopDriverTests {
    private func driver(connections: Int, rate: Double) -> OpenLoopDriver {
        OpenLoopDriver(
            startNs: t0, ratePerSecond: rate, targets: (0..<connections).map(Int32.init),
            connectionCount: connections)
    }

    @Test func onScheduleEverySendGoesOnceAndNeverCountsFromAfterItLeft() {
        let driver = driver(connections: 4, rate: 1000)
        let port = SimulatedConnections(connections: 4, slots: 1, startNs: t0, ratePerSecond: 1000)
        // The timer fires every millisecond on the dot; answers come back at once.
        for k in 0..<100 {
            driver.dispatch(nowNs: t0 + UInt64(k) * ms, to: port)
            for connection in 0..<4 { port.busy[connection] = 0 }
        }
        // Due at t0, t0+1ms, … up to the horizon of the last firing (t0+99ms+1ms).
        #expect(port.sends.count == 101)
        #expect(port.queued == 0)
        #expect(port.lateCount == 0)
        #expect(driver.nextDueNs == t0 + 101 * ms)
        for send in port.sends {
            #expect(send.startNs == min(send.dueNs, send.nowNs), "counts from the earlier of due and sent")
            #expect(send.startNs <= send.nowNs, "never from a time later than it left")
            #expect(send.nowNs + OpenLoopDriver.dispatchHorizonNs >= send.dueNs, "never more than the horizon early")
        }
        // Round-robin: each connection got a quarter.
        #expect((0..<4).map { c in port.sends.filter { $0.connection == c }.count } == [26, 25, 25, 25])
    }

    @Test func sendsDueWhileTheStreamIsBusyWaitInOrderAndCountFromTheirDueTime() {
        let driver = driver(connections: 1, rate: 1000)
        let port = SimulatedConnections(connections: 1, slots: 1, startNs: t0, ratePerSecond: 1000)
        driver.dispatch(nowNs: t0, to: port)  // due t0 goes, due t0+1ms (in the horizon) waits
        #expect(port.sends.count == 1 && port.queued == 1)
        port.answer(0)
        driver.drain(0, nowNs: t0 + 2 * ms, to: port)  // the waiting one goes, counted from t0+1ms
        driver.dispatch(nowNs: t0 + 2 * ms, to: port)  // t0+2ms and t0+3ms wait
        #expect(port.sends.count == 2 && port.queued == 3)
        #expect(port.sends[1].startNs == t0 + 1 * ms && port.sends[1].nowNs == t0 + 2 * ms)
        // The server sits on the next answer for 8 ms: everything due meanwhile queues.
        port.answer(0)
        driver.drain(0, nowNs: t0 + 10 * ms, to: port)
        driver.dispatch(nowNs: t0 + 10 * ms, to: port)
        #expect(port.sends.count == 3)
        #expect(port.sends[2].startNs == t0 + 2 * ms, "the oldest waiting send goes first")
        #expect(port.queued == 11, "due t0+4…t0+11 ms queued behind it")
        #expect(driver.backlogCount(of: 0) == 9)
        #expect(port.lateCount == 0, "queueing is the server's doing, never a late send")
        // A free stream with sends still waiting: a new due send queues behind them, in order.
        port.answer(0)
        driver.dispatch(nowNs: t0 + 11 * ms, to: port)
        #expect(port.sends.count == 3 && port.queued == 12)
        driver.drain(0, nowNs: t0 + 11 * ms, to: port)
        #expect(port.sends[3].startNs == t0 + 3 * ms)
        for send in port.sends { #expect(send.startNs <= send.nowNs) }
    }

    @Test func aSendTheDriverMadeAMillisecondLateWithAStreamFreeIsLate() {
        let driver = driver(connections: 2, rate: 1000)
        let port = SimulatedConnections(connections: 2, slots: 8, startNs: t0, ratePerSecond: 1000)
        driver.dispatch(nowNs: t0, to: port)  // t0, t0+1ms: on time
        // The worker's own thread was held up: the timer fires 4.5 ms after it should have.
        driver.dispatch(nowNs: t0 + 5 * ms + ms / 2, to: port)
        #expect(port.sends.count == 7, "due t0 … t0+6ms")
        #expect(port.queued == 0)
        // Due t0+2, +3, +4 ms left ≥ 1 ms late; +5 ms only 0.5 ms late; +6 ms early.
        #expect(port.sends.map(\.late) == [false, false, true, true, true, false, false])
        #expect(port.sends[2].startNs == t0 + 2 * ms, "a late send counts from its due time")
        #expect(port.sends[6].startNs == t0 + 5 * ms + ms / 2, "an early one from its real send")
    }

    @Test func aSendForAConnectionThatIsDownFails() {
        let driver = driver(connections: 2, rate: 1000)
        let port = SimulatedConnections(connections: 2, slots: 1, startNs: t0, ratePerSecond: 1000)
        port.down = [1]
        driver.dispatch(nowNs: t0 + 9 * ms, to: port)
        // Due t0 … t0+10ms: 11 sends, 6 to connection 0 (one goes, five wait) and 5 to the dead one.
        #expect(port.failed == 5)
        #expect(port.sends.count == 1 && port.queued == 5)
        #expect(driver.dropBacklog(of: 0) == 5)
        #expect(driver.backlogCount(of: 0) == 0)
    }

    @Test func farBehindItDealsOneBatchAtATime() {
        let driver = driver(connections: 1, rate: 1_000_000)
        let port = SimulatedConnections(connections: 1, slots: 1 << 20, startNs: t0, ratePerSecond: 1_000_000)
        let dealt = driver.dispatch(nowNs: t0 + 1_000 * ms, to: port)
        #expect(dealt == OpenLoopDriver.dispatchBatch)
        #expect(port.sends.count == OpenLoopDriver.dispatchBatch)
    }

    @Test func randomTimingNeverBreaksTheRules() {
        var generator = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        func random(_ bound: UInt64) -> UInt64 { generator.next() % bound }
        let connections = 3
        let driver = driver(connections: connections, rate: 5_000)
        let port = SimulatedConnections(connections: connections, slots: 2, startNs: t0, ratePerSecond: 5_000)
        var now = t0
        var answers: [(at: UInt64, connection: Int)] = []
        while now < t0 + 2_000 * ms {
            now += random(3 * ms)
            let before = port.sends.count
            for answer in answers where answer.at <= now {
                port.answer(answer.connection)
                driver.drain(answer.connection, nowNs: now, to: port)
            }
            answers.removeAll { $0.at <= now }
            driver.dispatch(nowNs: now, to: port)
            for send in port.sends[before...] { answers.append((now + random(4 * ms), send.connection)) }
        }
        let dealt = Int((driver.nextDueNs - t0) / port.spacingNs)
        let waiting = (0..<connections).map(driver.backlogCount(of:)).reduce(0, +)
        #expect(port.sends.count + waiting == dealt, "every send dealt went, or waits")
        #expect(port.queued > 0 && port.lateCount > 0, "the timing was rough enough to exercise both")
        for send in port.sends {
            #expect(send.startNs == min(send.dueNs, send.nowNs))
            #expect(send.nowNs + OpenLoopDriver.dispatchHorizonNs >= send.dueNs)
            if send.late { #expect(send.nowNs >= send.dueNs + OpenLoopDriver.lateThresholdNs) }
        }
    }
}

@Suite struct OpenLoopChurnTests {
    @Test func aSendDueOnAConnectionBeingReplacedGoesOnAnotherFromItsDueTime() {
        let driver = OpenLoopDriver(startNs: t0, ratePerSecond: 1000, targets: [0, 1, 2, 3], connectionCount: 4)
        let port = SimulatedConnections(connections: 4, slots: 1, startNs: t0, ratePerSecond: 1000)
        port.replacing = [1]
        for k in 0..<8 {
            driver.dispatch(nowNs: t0 + UInt64(k) * ms, to: port)
            for connection in 0..<4 { port.busy[connection] = 0 }
        }
        // Nothing failed or waited, nothing went on the connection being replaced, and every one
        // of the nine due times was sent once: a tick early (within the horizon), so each
        // counts from when it left.
        #expect(port.failed == 0 && port.queued == 0)
        #expect(!port.sends.contains { $0.connection == 1 })
        #expect(port.sends.map(\.startNs).sorted() == [t0] + (0...7).map { t0 + UInt64($0) * ms })
    }

    @Test func withEveryOtherConnectionBusyItWaitsForTheReplacementFromItsDueTime() {
        let driver = OpenLoopDriver(startNs: t0, ratePerSecond: 1000, targets: [0, 1], connectionCount: 2)
        let port = SimulatedConnections(connections: 2, slots: 1, startNs: t0, ratePerSecond: 1000)
        port.replacing = [1]
        // Due at t0 on 0 and t0 + 1 ms on 1; connection 0 is still busy with the first.
        driver.dispatch(nowNs: t0 + ms / 2, to: port)
        #expect(port.sends.count == 1 && port.queued == 1 && port.failed == 0)
        // The replacement is up 5 ms later: the waiting send leaves, counted from its due time.
        port.replacing = []
        driver.drain(1, nowNs: t0 + 6 * ms, to: port)
        #expect(port.sends.last?.connection == 1)
        #expect(port.sends.last?.startNs == t0 + 1 * ms)
        #expect(port.sends.last?.nowNs == t0 + 6 * ms)
    }
}
