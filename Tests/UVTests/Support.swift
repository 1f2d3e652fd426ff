import Testing
import UV
import UVTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a plain pthread running `body` (tests avoid Foundation, whose `Thread`, `Timer`,
/// `Process` and `Pipe` names would clash with UV's).
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    var thread = pthread_t()
    let argument = Unmanaged.passRetained(Body(body)).toOpaque()
    let result = pthread_create(
        &thread, nil,
        { argument in
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
