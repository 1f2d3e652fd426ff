#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import UV

/// One thread of `ServerThreads`: a pthread running a loop with one `LoopServer` on it.
///
/// `@unchecked Sendable`: the loop, the server and every handle stay on the thread; other
/// threads touch only `phase` (behind a mutex), the startup semaphore, `Async.send()`
/// (thread-safe by design) and the pthread handle, which `start` writes before returning and
/// `join` reads afterwards, both on the thread that owns this object.
final class ServerThread: @unchecked Sendable {
    /// Where the thread is in its life, as other threads see it.
    private enum Phase {
        case starting
        /// Listening on `port`; `stopper` wakes the loop to close the server.
        case running(port: Int, stopper: Async)
        case failed(any Error)
        /// Asked to stop; the thread ends once its connections are closed.
        case stopping
    }

    private let phase = Mutex(Phase.starting)
    private let ready: UnsafeMutablePointer<sem_t>
    private var thread: pthread_t?

    init() {
        ready = .allocate(capacity: 1)
        sem_init(ready, 0, 0)
    }

    deinit {
        sem_destroy(ready)
        ready.deallocate()
    }

    /// Starts the thread and waits until its server listens. Returns the bound port; throws
    /// what kept the server from listening (the thread has then ended).
    func start(port: Int, reusePort: Bool, makeServer: @escaping ServerThreads.MakeServer) throws -> Int {
        self.thread = try OSThread.start { [self] in self.run(port: port, reusePort: reusePort, makeServer: makeServer) }
        while sem_wait(ready) != 0 && errno == EINTR {}
        let outcome: Result<Int, any Error> = phase.withLock { phase in
            switch phase {
            case .running(let port, _): return .success(port)
            case .failed(let error): return .failure(error)
            case .starting, .stopping: return .failure(UVError(code: -EINVAL, operation: "server thread start"))
            }
        }
        if case .failure = outcome { join() }
        return try outcome.get()
    }

    private func run(port: Int, reusePort: Bool, makeServer: ServerThreads.MakeServer) {
        let loop: Loop
        do {
            loop = try Loop()
        } catch {
            report(.failed(error))
            return
        }
        // After run() returns, or after a failed start: closes whatever handles remain.
        defer { loop.closeAll() }
        do {
            let server = try makeServer(loop, port, reusePort)
            guard let bound = server.port else {
                server.close()
                throw UVError(code: -EADDRNOTAVAIL, operation: "uv_tcp_getsockname")
            }
            var stopper: Async?
            stopper = try Async(loop: loop) {
                server.close()
                stopper?.close()  // the last handle: the loop now runs dry and returns
            }
            report(.running(port: bound, stopper: stopper!))
        } catch {
            report(.failed(error))
            return
        }
        loop.run()
    }

    /// Publishes the startup outcome and wakes `start`.
    private func report(_ outcome: Phase) {
        phase.withLock { $0 = outcome }
        sem_post(ready)
    }

    /// Asks the loop to close the server and end. Safe from any thread.
    func stop() {
        let stopper: Async? = phase.withLock { phase in
            guard case .running(_, let stopper) = phase else { return nil }
            phase = .stopping
            return stopper
        }
        stopper?.send()
    }

    /// Waits for the thread to end; once.
    func join() {
        guard let thread else { return }
        self.thread = nil
        pthread_join(thread, nil)
    }
}

