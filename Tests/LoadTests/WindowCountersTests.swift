import Testing
@testable import Load

@Suite struct WindowCountersTests {
    @Test func onlyTheWindowIsCountedAsResult() {
        var counters = WindowCounters()
        counters.success(latencyMicroseconds: 100)   // warmup
        counters.failure("timeout")                  // warmup
        counters.mark(index: 1)
        counters.success(latencyMicroseconds: 200)
        counters.success(latencyMicroseconds: 300)
        counters.failure("connection")
        counters.mark(index: 2)
        counters.success(latencyMicroseconds: 400)   // after the window
        #expect(counters.requests == 2)
        #expect(counters.errors == ["connection": 1])
        #expect(counters.histogram.count == 2)
        #expect(counters.histogram.max < 400)
        #expect(counters.totalRequests == 4)
        #expect(counters.totalErrors == 2)
    }

    @Test func threadsMergeOnce() {
        var a = WindowCounters(), b = WindowCounters()
        a.mark(index: 1)
        b.mark(index: 1)
        a.success(latencyMicroseconds: 10)
        b.success(latencyMicroseconds: 20)
        b.failure("timeout")
        a.add(b)
        #expect(a.requests == 2)
        #expect(a.errors == ["timeout": 1])
        #expect(a.histogram.count == 2)
    }
}
