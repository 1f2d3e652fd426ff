import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One operating-system thread running a libuv loop of its own, fed through a `Mailbox`: the
/// one shape of the client worker's load threads and the builtin server's threads.
///
/// `start` makes the loop and its mailbox, starts the thread, runs `setUp` there (it builds
/// whatever lives on that loop and returns the handler for messages) and returns once `setUp`
/// has, rethrowing its error. Each posted message then reaches the handler on the thread; the
/// handler ends the thread with `Context.finish()`, after which the loop's remaining handles
/// are closed and the thread returns. Nothing but `post` and `join` is for other threads.
public final class LoopThread<Message: Sendable>: @unchecked Sendable {
    // @unchecked: `thread` is written by `start` before it returns and read by `join`, both
    // on the owner's thread; `inbox` is set before the thread starts and then only posted to
    // (thread-safe) or closed on the loop thread; `outcome` is behind a mutex.

    /// What `setUp` and the handler may do on the thread.
    public struct Context {
        /// The thread's loop.
        public let loop: Loop
        fileprivate let inbox: Mailbox<Message>

        /// The thread's messages, to take between events of its own work when it is busy
        /// (see `PendingMail`): the handler then runs right there, not after the whole poll.
        public var pendingMail: PendingMail { inbox.pending }

        /// Stops delivering messages and ends the loop after this iteration; its remaining
        /// handles are then closed (their close callbacks run) and the thread returns.
        public func finish() {
            inbox.close()
            loop.stop()
        }
    }

    /// How `setUp` went, for `start` to read.
    private enum Startup {
        case pending
        case ready
        case failed(any Error)
    }

    private var inbox: Mailbox<Message>?
    private var thread: pthread_t?
    private let startup = Mutex(Startup.pending)
    private let started: UnsafeMutablePointer<sem_t>

    /// A thread not yet started.
    public init() {
        started = .allocate(capacity: 1)
        sem_init(started, 0, 0)
    }

    deinit {
        if let thread { pthread_detach(thread) }
        sem_destroy(started)
        started.deallocate()
    }

    /// Starts the thread and waits until `setUp` returned on it. Throws what `setUp` threw
    /// (the thread has then ended and is joined), or a `UVError` if the loop or the thread
    /// could not be made. Call once.
    public func start(_ setUp: @escaping (Context) throws -> (Message) -> Void) throws {
        precondition(thread == nil, "LoopThread started twice")
        let loop = try Loop()
        // The handler is installed by setUp, on the thread, before any message can be
        // delivered: delivery happens only inside `loop.run()`, after it.
        var handler: ((Message) -> Void)?
        let inbox: Mailbox<Message>
        do {
            inbox = try Mailbox(loop: loop) { message in handler?(message) }
        } catch {
            loop.closeAll()
            throw error
        }
        self.inbox = inbox
        let context = Context(loop: loop, inbox: inbox)
        do {
            thread = try OSThread.start { [self] in
                do {
                    handler = try setUp(context)
                    startup.withLock { $0 = .ready }
                } catch {
                    startup.withLock { $0 = .failed(error) }
                    sem_post(started)
                    loop.closeAll()
                    return
                }
                sem_post(started)
                loop.run()
                handler = nil
                loop.closeAll()
            }
        } catch {
            // No thread: the loop never ran, so its mailbox can be closed from here.
            self.inbox = nil
            loop.closeAll()
            throw error
        }
        while sem_wait(started) != 0 && errno == EINTR {}
        let failure: (any Error)? = startup.withLock { state in
            if case .failed(let error) = state { return error }
            return nil
        }
        if let failure {
            join()
            throw failure
        }
    }

    /// Queues `message` for the handler on the thread. Any thread; ignored once the thread
    /// finished.
    public func post(_ message: Message) {
        inbox?.post(message)
    }

    /// Waits for the thread to end (after its handler called `finish()`); once.
    public func join() {
        guard let thread else { return }
        self.thread = nil
        pthread_join(thread, nil)
    }
}
