import Testing

@testable import Load

@Suite struct WindowCountersTests {
    @Test func onlyTheWindowIsCountedAsResult() {
        var counters = WindowCounters()
        counters.success(latencyMicroseconds: 100, nowNs: 1)  // warmup
        counters.failure("timeout", nowNs: 2)  // warmup
        counters.queuedSend()  // warmup
        counters.streamEnded()  // warmup
        counters.mark(.open, nowNs: 10)
        counters.success(latencyMicroseconds: 200, nowNs: 11)
        counters.success(latencyMicroseconds: 300, nowNs: 12)
        counters.streamEnded()
        counters.failure("connection", nowNs: 13)
        counters.lateSend()
        counters.queuedSend()
        counters.queuedSend()
        counters.mark(.close, nowNs: 20)
        counters.success(latencyMicroseconds: 400, nowNs: 21)  // after the window
        counters.lateSend()
        counters.streamEnded()
        #expect(counters.requests == 2)
        #expect(counters.streams == 1)
        #expect(counters.errors == ["connection": 1])
        #expect(counters.histogram.count == 2)
        #expect(counters.histogram.max < 400)
        #expect(counters.totalRequests == 4)
        #expect(counters.totalErrors == 2)
        #expect(counters.lateSends == 1)
        #expect(counters.queuedSends == 2)
    }

    @Test func theWindowIsCutIntoSecondsFromItsMark() {
        var counters = WindowCounters()
        let opened: UInt64 = 5_000_000_000
        counters.mark(.open, nowNs: opened)
        counters.success(latencyMicroseconds: 100, nowNs: opened - 1)  // read the clock just before
        counters.success(latencyMicroseconds: 100, nowNs: opened + 999_999_999)  // still second 0
        counters.success(latencyMicroseconds: 9_000, nowNs: opened + 2_500_000_000)
        counters.failure("timeout", nowNs: opened + 2_600_000_000)
        #expect(counters.intervals.count == 3)
        #expect(counters.intervals.map(\.requests) == [2, 0, 1])
        #expect(counters.intervals.map(\.errors) == [0, 0, 1])
        #expect(counters.intervals[2].histogram.value(atPercentile: 50) >= 8_990)
        #expect(counters.intervals[1].histogram.count == 0)
    }

    @Test func threadsMergeOnce() {
        var a = WindowCounters(), b = WindowCounters()
        a.mark(.open, nowNs: 0)
        b.mark(.open, nowNs: 7)
        a.success(latencyMicroseconds: 10, nowNs: 1)
        b.success(latencyMicroseconds: 20, nowNs: 1_500_000_007)
        b.failure("timeout", nowNs: 8)
        b.queuedSend()
        a.streamEnded()
        b.streamEnded()
        b.streamEnded()
        a.add(b)
        #expect(a.requests == 2)
        #expect(a.streams == 3)
        #expect(a.errors == ["timeout": 1])
        #expect(a.histogram.count == 2)
        #expect(a.intervals.map(\.requests) == [1, 1])
        #expect(a.intervals.map(\.errors) == [1, 0])
        #expect(a.queuedSends == 1)
    }
}

@Suite struct WindowCountersHandOverTests {
    @Test func closedSecondsLeaveAndTheWindowHistogramKeepsThem() {
        var counters = WindowCounters()
        let opened: UInt64 = 1_000_000_000
        #expect(counters.takeClosedIntervals(nowNs: opened).isEmpty, "nothing before the window")
        counters.mark(.open, nowNs: opened)
        counters.success(latencyMicroseconds: 100, nowNs: opened + 10)
        counters.failure("timeout", nowNs: opened + 20)
        counters.success(latencyMicroseconds: 7_000, nowNs: opened + 2_100_000_000)
        // At 2.5 s seconds 0 and 1 have ended (1 empty); second 2 is still open.
        let first = counters.takeClosedIntervals(nowNs: opened + 2_500_000_000)
        #expect(first.map(\.second) == [0, 1])
        #expect(first.map(\.counts.requests) == [1, 0])
        #expect(first[0].errorsByKind == ["timeout": 1])
        #expect(counters.intervals.count == 1, "only the open second is held")
        #expect(counters.firstHeldSecond == 2)
        counters.success(latencyMicroseconds: 50, nowNs: opened + 2_600_000_000)
        #expect(counters.histogram.count == 3, "the window's histogram = taken seconds + held ones")
        counters.mark(.close, nowNs: opened + 2_700_000_000)
        let rest = counters.takeClosedIntervals(nowNs: nil)
        #expect(rest.map(\.second) == [2])
        #expect(rest[0].counts.requests == 2)
        #expect(counters.intervals.isEmpty)
        #expect(counters.histogram.count == 3)
        #expect(counters.histogram.max >= 6_990)
        #expect(counters.requests == 3)
    }

    @Test func heldMemoryDoesNotGrowWithTheWindow() {
        var counters = WindowCounters()
        counters.mark(.open, nowNs: 0)
        for second in 0..<600 {
            let now = UInt64(second) * 1_000_000_000
            counters.success(latencyMicroseconds: 200, nowNs: now + 1)
            _ = counters.takeClosedIntervals(nowNs: now + 500_000_000)
            #expect(counters.intervals.count <= 1)
        }
        #expect(counters.histogram.count == 600)
    }
}

@Suite struct WindowCountersUnfinishedTests {
    @Test func callsOutstandingAtTheCloseAreCountedOnceAndThreadsAdd() {
        var a = WindowCounters(), b = WindowCounters()
        a.unfinishedAtClose(count: 9, oldestAgeUs: 1)  // before the window: ignored
        #expect(a.unfinished == 0)
        a.mark(.open, nowNs: 0)
        b.mark(.open, nowNs: 0)
        a.unfinishedAtClose(count: 3, oldestAgeUs: 2_000_000)
        b.unfinishedAtClose(count: 2, oldestAgeUs: 2_500_000)
        a.mark(.close, nowNs: 10)
        b.mark(.close, nowNs: 10)
        a.add(b)
        #expect(a.unfinished == 5)
        #expect(a.unfinishedOldestUs == 2_500_000)
    }
}
