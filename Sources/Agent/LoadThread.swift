import Load
import Metrics
import UV

/// One event-loop thread of a client worker, owning its share of the connections and its
/// own counters; nothing is shared with other threads while measuring. The worker's main
/// loop talks to it only through mailboxes: commands in (`LoopThread`), replies out.
final class LoadThread: Sendable {
    /// What the main loop asks.
    enum Command: Sendable {
        case connect, start, mark(WindowMark), progress, stop, exit
    }

    /// What the thread answers, tagged with its index.
    enum Reply: Sendable {
        case connected(established: Int, failures: [String: UInt64])
        case marked(WindowMark)
        /// Running totals, the window's seconds that ended since the last answer, and the most
        /// common failure so far.
        case progress(requests: UInt64, errors: UInt64, connectionsUp: Int, closed: [ClientInterval], topError: ErrorSample?)
        case stopped(WindowCounters)
    }

    let index: Int
    private let thread = LoopThread<Command>()

    /// Starts the thread and builds its generator there with `makeGenerator`; returns once it is
    /// built, throwing what `makeGenerator` threw (the thread has then ended). `reply` is called
    /// on the thread.
    init(
        index: Int, makeGenerator: @escaping (Loop) throws -> LoadGenerator,
        reply: @escaping @Sendable (Int, Reply) -> Void
    ) throws {
        self.index = index
        do {
            try thread.start { context in
                let generator = try makeGenerator(context.loop)
                // Commands reach a busy thread after the connection event at hand, not behind a
                // round of every ready connection (which the mailbox's wake-up waits behind).
                generator.pendingMail = context.pendingMail
                return { command in Self.handle(command, generator: generator, index: index, reply: reply, context: context) }
            }
        } catch {
            throw LoadThreadFailure(index: index, underlying: error)
        }
    }

    /// Sends a command. Any thread.
    func send(_ command: Command) {
        thread.post(command)
    }

    /// Carries out `command` on the thread.
    private static func handle(
        _ command: Command, generator: LoadGenerator, index: Int,
        reply: @escaping @Sendable (Int, Reply) -> Void, context: LoopThread<Command>.Context
    ) {
        switch command {
        case .connect:
            generator.connect { established, failures in
                reply(index, .connected(established: established, failures: failures))
            }
        case .start:
            generator.start()
        case .mark(let edge):
            generator.mark(edge)
            reply(index, .marked(edge))
        case .progress:
            let closed = generator.takeClosedIntervals()
            reply(
                index,
                .progress(
                    requests: generator.counters.totalRequests, errors: generator.counters.totalErrors,
                    connectionsUp: generator.connectionsUp, closed: closed, topError: generator.counters.topError))
        case .stop:
            generator.stop()
            reply(index, .stopped(generator.counters))
        case .exit:
            generator.stop()
            context.finish()
        }
    }
}

/// A load thread whose generator could not be built.
struct LoadThreadFailure: Error, CustomStringConvertible {
    let index: Int
    let underlying: any Error

    var description: String { "load thread \(index): \(underlying)" }
}
