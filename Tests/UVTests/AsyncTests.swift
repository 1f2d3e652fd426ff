import Testing
import UV
import UVTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct AsyncTests {
    @Test func sendFromAnotherThreadWakesTheLoop() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let loopThread = pthread_self()
        var wakeups = 0
        var onLoopThread = false
        var async: Async?
        async = try Async(loop: loop) {
            wakeups += 1
            onLoopThread = pthread_equal(pthread_self(), loopThread) != 0
            async?.close()
        }
        let handle = try #require(async)
        let sender = startThread {
            usleep(20_000)  // let the loop block in poll first
            handle.send()
        }
        try runLoop(loop)
        pthread_join(sender, nil)
        handle.send()  // after close: a no-op, not a use-after-free
        #expect(wakeups == 1)
        #expect(onLoopThread)
    }
}
