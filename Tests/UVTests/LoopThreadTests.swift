import Glibc
import Synchronization
import Testing
import UV

private struct SetUpFailed: Error {}

/// A loop thread runs its set-up and its messages on a thread of its own, in order, until its
/// handler finishes it.
struct LoopThreadTests {
    @Test func messagesArriveInOrderOnTheThreadUntilItFinishes() throws {
        let thread = LoopThread<Int>()
        let seen = Mutex<[Int]>([])
        let threadIDs = Mutex<Set<UInt>>([])
        let caller = UInt(pthread_self())
        try thread.start { context in
            threadIDs.withLock { _ = $0.insert(UInt(pthread_self())) }
            // A handle on the thread's loop: closed by finish()'s closeAll, not by us.
            let timer = try Timer(loop: context.loop)
            try timer.start(after: 60_000) {}
            return { value in
                threadIDs.withLock { _ = $0.insert(UInt(pthread_self())) }
                seen.withLock { $0.append(value) }
                if value == 999 { context.finish() }
            }
        }
        for value in 0..<1000 { thread.post(value) }
        thread.join()
        #expect(seen.withLock { $0 } == Array(0..<1000))
        let ids = threadIDs.withLock { $0 }
        #expect(ids.count == 1 && !ids.contains(caller), "set-up and messages ran on the one loop thread")
        thread.post(5)  // after the end: ignored, no crash
    }

    @Test func aFailingSetUpIsThrownByStart() {
        let thread = LoopThread<Int>()
        #expect(throws: SetUpFailed.self) {
            try thread.start { _ in throw SetUpFailed() }
        }
        thread.post(1)
    }
}
