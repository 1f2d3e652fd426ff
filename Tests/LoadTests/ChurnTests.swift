import Testing

@testable import Load

/// Connection churn's pure parts: the staggered first limits, the lifetime queue, and the open
/// loop's handling of a connection being replaced.
@Suite struct ChurnTests {
    @Test func firstLifetimesSpreadEvenlyOverOneLifetime() {
        let limit = ConnectionLimit.lifetime(ns: 1_000_000_000)
        let firsts = (0..<4).map { limit.staggered(index: $0, of: 4) }
        #expect(firsts == [250, 500, 750, 1000].map { .lifetime(ns: UInt64($0) * 1_000_000) })
    }

    @Test func firstCallBudgetsSpreadAndNeverReachZero() {
        let limit = ConnectionLimit.calls(20)
        #expect((0..<4).map { limit.staggered(index: $0, of: 4) } == [.calls(5), .calls(10), .calls(15), .calls(20)])
        // More connections than calls: each still serves at least one.
        #expect(ConnectionLimit.calls(2).staggered(index: 0, of: 10) == .calls(1))
    }

    @Test func retirementQueueHandsDeadlinesOutInOrderAndForgets() {
        var queue = RetirementQueue()
        for index in 0..<200 {
            queue.push(RetirementQueue.Entry(dueNs: UInt64(index) * 10, index: Int32(index), generation: 1))
        }
        var popped: [Int32] = []
        while let entry = queue.pop() { popped.append(entry.index) }
        #expect(popped == (0..<200).map(Int32.init))
        #expect(queue.front == nil)
        queue.push(RetirementQueue.Entry(dueNs: 5, index: 7, generation: 2))
        #expect(queue.front?.index == 7)
        queue.removeAll()
        #expect(queue.pop() == nil)
    }
}
