import Glibc
import Load
import Metrics
import UV

/// One event-loop thread of a client worker, owning its share of the connections and its
/// own counters; nothing is shared with other threads while measuring. The worker's main
/// loop talks to it only through mailboxes.
final class LoadThread: @unchecked Sendable {
    // @unchecked: after init, `loop` and `engine` are touched only on this thread; the main
    // thread only posts to `inbox`.

    /// What the main loop asks.
    enum Command: Sendable {
        case connect, start, mark(WindowMark), progress, stop, exit
    }

    /// What the thread answers, tagged with its index.
    enum Reply: Sendable {
        case connected(established: Int, failures: [String: UInt64])
        case marked(WindowMark)
        case progress(requests: UInt64, errors: UInt64, connectionsUp: Int)
        case stopped(WindowCounters)
        case failed(String)
    }

    let index: Int
    private let loop: Loop
    private var inbox: Mailbox<Command>!
    private let makeEngine: (Loop) throws -> any LoadEngine
    private let reply: @Sendable (Int, Reply) -> Void
    private var engine: (any LoadEngine)?
    private var thread = pthread_t()

    /// Prepares the thread's loop here (before it runs, so handles can be made from this
    /// thread) and starts it. `makeEngine` runs on the new thread; `reply` is called there.
    init(index: Int, makeEngine: @escaping (Loop) throws -> any LoadEngine,
         reply: @escaping @Sendable (Int, Reply) -> Void) throws {
        self.index = index
        self.makeEngine = makeEngine
        self.reply = reply
        loop = try Loop()
        inbox = try Mailbox(loop: loop) { [unowned self] command in self.handle(command) }
        thread = try OSThread.start { self.main() }
        pthread_detach(thread)
    }

    /// Sends a command. Any thread.
    func send(_ command: Command) {
        inbox.post(command)
    }

    private func main() {
        do {
            engine = try makeEngine(loop)
        } catch {
            reply(index, .failed("load thread \(index): \(error)"))
        }
        loop.run()
        loop.closeAll()
    }

    private func handle(_ command: Command) {
        guard let engine else {
            if case .exit = command { finish() }
            return
        }
        switch command {
        case .connect:
            engine.connect { [index, reply] established, failures in
                reply(index, .connected(established: established, failures: failures))
            }
        case .start:
            engine.start()
        case .mark(let edge):
            engine.mark(edge)
            reply(index, .marked(edge))
        case .progress:
            reply(index, .progress(requests: engine.counters.totalRequests, errors: engine.counters.totalErrors,
                                   connectionsUp: engine.connectionsUp))
        case .stop:
            engine.stop()
            reply(index, .stopped(engine.counters))
        case .exit:
            engine.stop()
            finish()
        }
    }

    private func finish() {
        inbox.close()
        loop.stop()
    }
}
