import Testing
import UV
import UVTestSupport

@Suite struct TimerTests {
    @Test func firesOnceEvenWithoutAReference() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        var fired = 0
        let start = loop.now
        var firedAt: UInt64 = 0
        // The caller keeps no reference: an open handle keeps itself alive.
        try Timer(loop: loop).start(after: 20) {
            fired += 1
            firedAt = loop.now
        }
        try runLoop(loop)
        #expect(fired == 1)
        #expect(firedAt - start >= 20)
    }

    @Test func repeatsUntilStopped() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let timer = try Timer(loop: loop)
        var fired = 0
        try timer.start(after: 1, repeat: 2) {
            fired += 1
            if fired == 5 { timer.close() }
        }
        try runLoop(loop)
        #expect(fired == 5)
        #expect(timer.isClosing)
    }

    @Test func closeTwiceIsANoOpAndStartAfterCloseThrows() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let timer = try Timer(loop: loop)
        timer.close()
        timer.close()
        #expect(throws: UVError.self) { try timer.start(after: 1) { Issue.record("must not fire") } }
        try runLoop(loop)
    }
}
