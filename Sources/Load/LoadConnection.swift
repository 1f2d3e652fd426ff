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

    /// Output the kernel did not take at once, kept for the queued write; allocated only when
    /// a connection meets back-pressure.
    private var pending = ByteBuffer()
    private var writeInFlight = false
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
            guard self.generation == generation else { return }
            self.writeInFlight = false
            // Caught up: the slow path's memory goes back until the next back-pressure.
            self.pending.release(above: 0)
            self.onWritten(self, error)
        }
        return generation
    }

    /// The socket connected: speak the protocol over it through `session`.
    func start(_ session: any LoadSession) {
        self.session = session
        writeInFlight = false
        pending.clear()
    }

    /// Hands the session's pending output to the socket: gathers as many frames as fit one batch in
    /// `scratch` and writes them with `uv_try_write`; whatever the kernel does not take is
    /// copied aside and queued as one write, and no more output is pulled until it completes.
    /// Returns false if the connection failed (the session's outstanding calls are then
    /// already reported).
    func flush(using scratch: WriteScratch) -> Bool {
        guard !writeInFlight, let tcp, let session else { return true }
        while true {
            scratch.buffer.clear()
            guard session.produceOutput(into: &scratch.buffer, limit: Self.batchLimit) else { return false }
            let bytes = scratch.buffer.readable
            if bytes.isEmpty { return true }
            var written = 0
            if tcp.writeQueueSize == 0 {
                do { written = try tcp.tryWrite(bytes) } catch { return false }
            }
            if written == bytes.count { continue }
            pending.clear()
            pending.append(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            writeInFlight = true
            tcp.write(pending.readable, completion: writeCompletion)
            return true
        }
    }

    /// Stopping: one last non-blocking attempt to send what is queued (resets, GOAWAY) before
    /// the socket closes; whatever the kernel does not take at once is dropped.
    func flushBestEffort(using scratch: WriteScratch) {
        guard !writeInFlight, let tcp, let session else { return }
        scratch.buffer.clear()
        guard session.produceOutput(into: &scratch.buffer, limit: Self.batchLimit), scratch.buffer.count > 0 else { return }
        _ = try? tcp.tryWrite(scratch.buffer.readable)
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
        writeInFlight = false
        pending.release(above: 0)
    }
}

extension LoadConnection {
    /// Up and taking new calls (not retiring).
    var isUp: Bool {
        if case .up = phase { return true }
        return false
    }
}
