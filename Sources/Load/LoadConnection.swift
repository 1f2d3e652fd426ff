import HTTP2
import UV

/// One TCP connection of the load generator: the socket glue around its `LoadSession`, whatever
/// the protocol. It moves bytes between the socket and the session and batches everything
/// the session has to send into one write; the generator decides what to send when.
final class LoadConnection {
    /// Where the connection is in its life.
    enum Phase {
        /// Not connected: before `connect`, after stopping, or given up during connecting.
        case idle
        /// TCP connect in progress since `sinceNs` (the connect timeout bounds it and the
        /// handshake as a whole). `replacing`: it replaces a connection that retired (churn),
        /// so open-loop sends due meanwhile wait for it instead of failing.
        case connecting(sinceNs: UInt64, replacing: Bool)
        /// TCP connected; the session's handshake (gRPC: the server's SETTINGS) has not finished.
        /// `sinceNs` is still when the connect started.
        case handshaking(sinceNs: UInt64, replacing: Bool)
        /// TCP connected and the server's SETTINGS arrived.
        case up
        /// Reached its lifetime or its calls (churn): takes no new calls, and closes once the
        /// ones in flight ended, a replacement opening at once.
        case retiring
        /// Lost while load runs; reconnects once it has been down a moment.
        case down(sinceNs: UInt64)
    }

    /// Bytes gathered before a write goes out even if the session has more: bounds the buffer
    /// when bodies are large (the session keeps the rest until the write completes).
    static let batchLimit = 64 * 1024

    /// The generator's number for this connection.
    let index: Int
    var phase: Phase = .idle
    private(set) var tcp: TCP?
    private(set) var session: (any LoadSession)?
    /// Open loop: queued for one flush after the current batch of sends.
    var needsFlush = false
    /// Churn by calls: calls this connection may still start before it retires; nil without
    /// a call limit.
    var callsLeft: Int?

    /// The session's output on its way to the socket; holds memory only under back-pressure.
    private let output = SocketOutput(batchLimit: LoadConnection.batchLimit)
    /// Bumped whenever the socket changes, so a late callback from an old socket is ignored.
    private(set) var generation: UInt32 = 0
    private var writeCompletion: ((UVError?) -> Void)?
    /// Told when a write finished (to flush more) or failed.
    private let onWritten: (LoadConnection, UVError?) -> Void

    init(index: Int, onWritten: @escaping (LoadConnection, UVError?) -> Void) {
        self.index = index
        self.onWritten = onWritten
    }

    /// Takes a fresh, not yet connected socket; returns its generation for the callbacks.
    func attach(_ tcp: TCP) -> UInt32 {
        generation &+= 1
        self.tcp = tcp
        let generation = self.generation
        // Built once per socket, not per write: a write then passes an existing closure.
        writeCompletion = { [unowned self] error in
            guard self.generation == generation, let tcp = self.tcp else { return }
            // The client gathers nothing behind a write, so this only ends it: the generator
            // then flushes what gathered in the session meanwhile.
            _ = self.output.writeFinished(error, to: tcp, completion: nil) { _, _ in true }
            self.onWritten(self, error)
        }
        return generation
    }

    /// The socket connected: speak the protocol over it through `session`.
    func start(_ session: any LoadSession) {
        self.session = session
        output.reset()
    }

    /// Hands the session's pending output to the socket (`SocketOutput`: batches of up to
    /// `batchLimit` bytes; no more output is pulled while a write the kernel refused is in
    /// flight). Returns false if the connection failed (the session's outstanding calls are
    /// then already reported).
    func flush(using scratch: WriteScratch) -> Bool {
        guard let tcp, let session else { return true }
        return output.flush(to: tcp, using: scratch, completion: writeCompletion) {
            session.produceOutput(into: &$0, limit: $1)
        } != .failed
    }

    /// Stopping: one last non-blocking attempt to send what is queued (resets, GOAWAY) before
    /// the socket closes; whatever the kernel does not take at once is dropped.
    func flushBestEffort(using scratch: WriteScratch) {
        guard let tcp, let session else { return }
        output.writeBestEffort(to: tcp, using: scratch) { session.produceOutput(into: &$0, limit: $1) }
    }

    /// Closes the socket and drops the session. Call `session.fail()` first if outstanding calls
    /// should be reported. A write still in flight is cancelled by libuv, which never touches
    /// the buffer again; its completion is ignored through the generation.
    func closeSocket() {
        generation &+= 1
        tcp?.close()
        tcp = nil
        session = nil
        writeCompletion = nil
        output.reset()
    }
}

extension LoadConnection {
    /// Up and taking new calls (not retiring).
    var isUp: Bool {
        if case .up = phase { return true }
        return false
    }
}
