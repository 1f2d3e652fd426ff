import Testing
import UV
import UVTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SignalTests {
    @Test func catchesSIGUSR1SentToOurselves() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let signal = try Signal(loop: loop)
        var caught: Int32?
        try signal.start(SIGUSR1) { signum in
            caught = signum
            signal.close()
        }
        kill(getpid(), SIGUSR1)
        try runLoop(loop)
        #expect(caught == SIGUSR1)
    }
}
