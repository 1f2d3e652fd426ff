import Testing
import UV
import UVTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LoopTests {
    @Test func closeAllClosesEverythingAndFreesIt() throws {
        weak var weakLoop: Loop?
        weak var weakTimer: Timer?
        weak var weakServer: TCP?
        weak var weakClient: TCP?
        var connectCompletions = 0
        do {
            let loop = try Loop()
            let timer = try Timer(loop: loop)
            try timer.start(after: 60_000, repeat: 60_000) {}
            let (server, port) = try makeServer(loop) { _ in }
            let client = try TCP(loop: loop)
            try client.connect(host: "127.0.0.1", port: port) { _ in connectCompletions += 1 }
            let async = try Async(loop: loop) {}
            let signal = try Signal(loop: loop)
            try signal.start(SIGUSR2) { _ in }
            weakLoop = loop
            weakTimer = timer
            weakServer = server
            weakClient = client

            loop.closeAll()
            for handle: Handle in [timer, server, client, async, signal] {
                #expect(handle.isClosing)
            }
            #expect(connectCompletions == 1, "a pending connect completes (cancelled) exactly once")
            loop.closeAll()  // second call: no-op
        }
        #expect(weakTimer == nil)
        #expect(weakServer == nil)
        #expect(weakClient == nil)
        #expect(weakLoop == nil)
    }

    @Test func runReportsRemainingHandlesAndClocksAdvance() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let timer = try Timer(loop: loop)
        // Long enough that the no-wait run below cannot fire it even on a loaded machine
        // (a 1 ms timer made this test flaky under CI load).
        try timer.start(after: 200) { loop.stop() }
        let before = Loop.hrtime()
        #expect(loop.run(.noWait) == true)
        try runLoop(loop)
        #expect(Loop.hrtime() > before)
        #expect(loop.run(.noWait) == false)
    }
}
