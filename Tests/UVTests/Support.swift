import Testing
import UV
#if canImport(Glibc)
import Glibc
#endif

/// Runs `loop` until it has nothing left to do, but never longer than `timeout` ms: a watchdog
/// timer (unref'd, so it does not itself keep the loop alive) stops it and records an issue,
/// so a bug fails the test instead of hanging CI.
func runLoop(
    _ loop: Loop,
    timeout: UInt64 = 5_000,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let watchdog = try Timer(loop: loop)
    var timedOut = false
    try watchdog.start(after: timeout) {
        timedOut = true
        loop.stop()
    }
    watchdog.unref()
    loop.run()
    watchdog.close()
    if timedOut {
        Issue.record("loop still busy after \(timeout) ms", sourceLocation: sourceLocation)
    }
}

/// Starts a plain pthread running `body` (tests avoid Foundation, whose `Thread`, `Timer`,
/// `Process` and `Pipe` names would clash with UV's).
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    var thread = pthread_t()
    let argument = Unmanaged.passRetained(Body(body)).toOpaque()
    let result = pthread_create(&thread, nil, { argument in
        Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
        return nil
    }, argument)
    precondition(result == 0, "pthread_create failed: \(result)")
    return thread
}

/// A listening server on 127.0.0.1 with a kernel-chosen port that hands each accepted
/// connection to `onAccept`.
func makeServer(_ loop: Loop, onAccept: @escaping (TCP) -> Void) throws -> (TCP, Int) {
    let server = try TCP(loop: loop)
    try server.bind(host: "127.0.0.1", port: 0)
    try server.listen { [unowned server] error in
        #expect(error == nil)
        do {
            onAccept(try server.accept())
        } catch {
            Issue.record("accept failed: \(error)")
        }
    }
    let port = try #require(server.localPort)
    return (server, port)
}
