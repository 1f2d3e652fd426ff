import Synchronization
import UV

/// Runs one `SingleLoopServer` per thread, each on a libuv loop of its own with its own listener
/// on the same port (SO_REUSEPORT when there is more than one), so the kernel spreads
/// connections across threads and the threads share nothing on the hot path.
///
/// `init` returns once every thread listens, or throws the first failure (after stopping
/// the threads already started); `stop()` closes the servers and joins the threads.
public final class MultiLoopServer: Sendable {
    /// Builds the server of one thread, on that thread's loop: `port` is the port to bind
    /// (the first thread's choice once it has bound), `reusePort` whether to share it.
    public typealias MakeServer = @Sendable (_ loop: Loop, _ port: Int, _ reusePort: Bool) throws -> any SingleLoopServer

    /// The port every thread listens on (the one picked, if 0 was asked for).
    public let port: Int
    private let threads: [ServerLoopThread]
    private let stopped = Mutex(false)

    /// Starts `count` threads (at least 1) serving on `port`.
    public init(count: Int, port: Int, makeServer: @escaping MakeServer) throws {
        precondition(count >= 1, "MultiLoopServer needs at least one thread")
        let reusePort = count > 1
        var threads: [ServerLoopThread] = []
        var boundPort = port
        do {
            for _ in 0..<count {
                let thread = ServerLoopThread()
                threads.append(thread)
                // Later threads bind the port the first one got, so port 0 works too.
                boundPort = try thread.start(port: boundPort, reusePort: reusePort, makeServer: makeServer)
            }
        } catch {
            for thread in threads { thread.stop() }
            for thread in threads { thread.join() }
            throw error
        }
        self.port = boundPort
        self.threads = threads
    }

    /// Closes every server (its listener and connections) and waits for the threads to end.
    /// Safe from any thread; later calls do nothing.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        for thread in threads { thread.stop() }
        for thread in threads { thread.join() }
    }

    deinit {
        stop()
    }
}
