import UV

/// The one way either side moves what its session has to say onto its TCP socket (the load
/// client's `LoadConnection`, the builtin server's `GRPCSocketConnection`): frames are gathered
/// in the loop's `WriteScratch` up to `batchLimit` bytes and handed to the kernel with
/// `uv_try_write`; only the part the kernel refuses is copied into this connection's own
/// buffer and written asynchronously. So a connection that keeps up owns no output memory,
/// and nothing is allocated per write.
///
/// While an asynchronous write is in flight, output may be gathered behind it up to
/// `backlogLimit` bytes (the server keeps answering while a slow client reads; the client
/// gathers nothing and waits). The owner supplies the session's output through a `produce`
/// closure: it appends at most about `limit` bytes to the buffer and returns false if the
/// session failed; a batch shorter than the limit means the session had nothing more.
public final class SocketOutput {
    /// What a flush left behind.
    public enum Result {
        /// Everything the session had is with the kernel.
        case caughtUp
        /// An asynchronous write is in flight; its completion calls `writeFinished`.
        case writing
        /// The session or the socket failed.
        case failed
    }

    /// Largest batch gathered before it is written.
    public let batchLimit: Int
    /// Output gathered behind a write in flight, at most; 0 gathers nothing.
    public let backlogLimit: Int
    /// Bytes handed to `uv_write`; untouched until its completion.
    private var inflight = ByteBuffer()
    /// Output produced while `inflight` is being written.
    private var backlog = ByteBuffer()
    /// True from an asynchronous write's start until `writeFinished`.
    public private(set) var isWriting = false

    /// Output for one socket at a time, written in batches of up to `batchLimit` bytes, with up to
    /// `backlogLimit` bytes gathered behind a write in flight.
    public init(batchLimit: Int, backlogLimit: Int = 0) {
        self.batchLimit = batchLimit
        self.backlogLimit = backlogLimit
    }

    /// Bytes gathered behind the write in flight.
    public var backlogCount: Int { backlog.count }

    /// Writes what `produce` has ready to `tcp`. While a write is in flight the output goes to
    /// the backlog instead (up to `backlogLimit`). `completion` is what the asynchronous write,
    /// if one starts, calls; it must call `writeFinished`.
    public func flush(
        to tcp: TCP, using scratch: WriteScratch, completion: ((UVError?) -> Void)?,
        produce: (inout ByteBuffer, Int) -> Bool
    ) -> Result {
        if isWriting {
            guard backlogLimit > 0 else { return .writing }
            return produce(&backlog, backlogLimit) ? .writing : .failed
        }
        while true {
            scratch.buffer.clear()
            guard produce(&scratch.buffer, batchLimit) else { return .failed }
            let batch = scratch.buffer.readable
            if batch.isEmpty { return .caughtUp }
            let written: Int
            do { written = try tcp.tryWrite(batch) } catch { return .failed }
            if written < batch.count {
                inflight.append(UnsafeRawBufferPointer(rebasing: batch[written...]))
                scratch.buffer.clear()
                startWrite(to: tcp, completion: completion)
                return .writing
            }
            // A batch cut short of the limit means the session had nothing more.
            if batch.count < batchLimit {
                scratch.buffer.clear()
                return .caughtUp
            }
        }
    }

    /// The write in flight completed (`error` nil) or failed. Writes the backlog next if there
    /// is one (`.writing`); else the connection's memory for the slow path goes back and the
    /// owner should flush again (`.caughtUp`). `.failed` on an error.
    public func writeFinished(
        _ error: UVError?, to tcp: TCP, completion: ((UVError?) -> Void)?,
        produce: (inout ByteBuffer, Int) -> Bool
    ) -> Result {
        isWriting = false
        inflight.clear()
        guard error == nil else { return .failed }
        if !backlog.isEmpty {
            inflight.swapContents(with: &backlog)
            guard produce(&inflight, batchLimit) else { return .failed }
            startWrite(to: tcp, completion: completion)
            return .writing
        }
        // Caught up: idle connections should be small until the next back-pressure.
        inflight.release(above: 0)
        backlog.release(above: 0)
        return .caughtUp
    }

    /// Stopping: one non-blocking attempt to send what the session has (resets, GOAWAY)
    /// before the socket closes; whatever the kernel does not take at once is dropped. Nothing
    /// happens while a write is in flight.
    public func writeBestEffort(
        to tcp: TCP, using scratch: WriteScratch, produce: (inout ByteBuffer, Int) -> Bool
    ) {
        guard !isWriting else { return }
        scratch.buffer.clear()
        if produce(&scratch.buffer, batchLimit), scratch.buffer.count > 0 {
            _ = try? tcp.tryWrite(scratch.buffer.readable)
        }
        scratch.buffer.clear()
    }

    /// The socket is gone (closed, or a new one replaces it): forgets what was queued and
    /// frees its memory. libuv never touches the bytes of a write cancelled by closing.
    public func reset() {
        isWriting = false
        inflight.release(above: 0)
        backlog.release(above: 0)
    }

    private func startWrite(to tcp: TCP, completion: ((UVError?) -> Void)?) {
        isWriting = true
        tcp.write(inflight.readable, completion: completion)
    }
}
