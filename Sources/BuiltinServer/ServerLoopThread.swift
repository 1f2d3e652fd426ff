import Synchronization
import UV

#if canImport(Glibc)
    import Glibc
#endif

/// One thread of `MultiLoopServer`: a `LoopThread` with one `SingleLoopServer` on its loop.
///
/// `Sendable`: the loop, the server and every handle stay on the thread; other threads only
/// post to it (`LoopThread.post`), read the bound port (behind a mutex) and join it.
final class ServerLoopThread: Sendable {
    /// What other threads ask of the thread.
    private enum Command: Sendable {
        /// Close the server (its listener and connections) and end the thread.
        case stop
    }

    private let thread = LoopThread<Command>()
    private let boundPort = Mutex(0)

    init() {}

    /// Starts the thread and waits until its server listens. Returns the bound port; throws
    /// what kept the server from listening (the thread has then ended).
    func start(port: Int, reusePort: Bool, makeServer: @escaping MultiLoopServer.MakeServer) throws -> Int {
        try thread.start { [self] context in
            let server = try makeServer(context.loop, port, reusePort)
            guard let bound = server.port else {
                server.close()
                throw UVError(code: -EADDRNOTAVAIL, operation: "uv_tcp_getsockname")
            }
            self.boundPort.withLock { $0 = bound }
            return { command in
                switch command {
                case .stop:
                    server.close()
                    context.finish()
                }
            }
        }
        return boundPort.withLock { $0 }
    }

    /// Asks the loop to close the server and end. Safe from any thread.
    func stop() {
        thread.post(.stop)
    }

    /// Waits for the thread to end; once.
    func join() {
        thread.join()
    }
}
