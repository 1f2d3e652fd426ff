import CUV

/// A libuv stream (`uv_stream_t`): the reading/writing half shared by `TCP` and `Pipe`.
///
/// Hot-path design: reads land in one reusable buffer per stream (allocated on the first
/// read, `readBufferSize` bytes, 64 KiB by default), so reading allocates nothing per call;
/// `uv_write_t` requests come from a small per-stream free list, so writing allocates nothing
/// once the list has grown to the number of writes in flight; `write(_:completion:)` sends the
/// caller's memory without copying.
///
/// Completions: every write and shutdown completion runs exactly once. If the stream is
/// closed first they run with `ECANCELED` (before the stream's memory is freed), so memory
/// handed to `write(_:completion:)` must stay valid until its completion has run — even if
/// you close the stream. If libuv refuses a write or shutdown immediately (e.g. the stream is
/// already closed), the completion runs synchronously, before the call returns, with the
/// error; so a completion that writes again on error must stop, or it would recurse.
public class Stream: Handle {
    /// Default size of the per-stream read buffer.
    public static let defaultReadBufferSize = 64 * 1024

    /// Size of the read buffer; takes effect only if set before the first read allocates it.
    /// Lower it for servers with very many mostly idle connections.
    public var readBufferSize = Stream.defaultReadBufferSize

    /// Read into the loop's one shared buffer instead of a buffer of this stream's own; set it
    /// before the first read. For load generators and servers with very many connections: the
    /// bytes handed to `onData` are valid only during that call either way.
    public var sharesLoopReadBuffer = false

    private var readBuffer: UnsafeMutableRawPointer?
    private var readBufferCapacity = 0
    private var onData: ((UnsafeRawBufferPointer) -> Void)?
    private var onEnd: ((UVError?) -> Void)?
    private var onConnection: ((UVError?) -> Void)?
    private var writeRequests = WriteRequestPool()

    var stream: UnsafeMutablePointer<uv_stream_t> {
        raw.assumingMemoryBound(to: uv_stream_t.self)
    }

    deinit {
        // Normally a no-op (didClose already freed them); covers a handle libuv never saw.
        freeBuffers()
    }

    override func didClose() {
        // libuv has cancelled every pending write and stopped reading before the close
        // callback, so nothing points into these any more; free them now rather than when the
        // last Swift reference goes.
        freeBuffers()
        super.didClose()
    }

    private func freeBuffers() {
        readBuffer?.deallocate()
        readBuffer = nil
        writeRequests.removeAll()
    }

    // MARK: Reading

    /// Starts reading (`uv_read_start`). `onData` gets each chunk; the bytes are valid only
    /// during the call (the buffer is reused for the next read). `onEnd` gets nil at EOF and
    /// the error otherwise; reading has stopped and both closures are dropped by then, but the
    /// stream is still open — close it (a half-closed TCP stream can still be written to).
    public func startReading(
        onData: @escaping (UnsafeRawBufferPointer) -> Void,
        onEnd: @escaping (UVError?) -> Void
    ) throws {
        try checkOpen("uv_read_start")
        let previous = (self.onData, self.onEnd)
        self.onData = onData
        self.onEnd = onEnd
        let result = uv_read_start(
            stream,
            { handle, _, buf in
                // alloc_cb: hand out the stream's one buffer; libuv reads into it and calls
                // read_cb before asking again, so one buffer suffices.
                let this = Unmanaged<Stream>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
                let (base, count) = this.ensureReadBuffer()
                buf!.pointee.base = base.assumingMemoryBound(to: CChar.self)
                buf!.pointee.len = count
            },
            { stream, nread, _ in
                let this = Unmanaged<Stream>.fromOpaque(stream!.pointee.data).takeUnretainedValue()
                this.didRead(nread)
            })
        if result < 0 {
            // A failed call never calls its callbacks: keep whatever was there before.
            (self.onData, self.onEnd) = previous
            throw UVError(code: result, operation: "uv_read_start")
        }
    }

    /// Stops reading (`uv_read_stop`) and drops the read closures.
    public func stopReading() {
        guard state == .open else { return }
        uv_read_stop(stream)
        onData = nil
        onEnd = nil
    }

    private func ensureReadBuffer() -> (UnsafeMutableRawPointer, Int) {
        if let readBuffer { return (readBuffer, readBufferCapacity) }
        if sharesLoopReadBuffer {
            let shared = loop.sharedReadBuffer
            return (shared.baseAddress!, shared.count)
        }
        let capacity = max(readBufferSize, 1)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        readBuffer = buffer
        readBufferCapacity = capacity
        return (buffer, capacity)
    }

    private func didRead(_ nread: Int) {
        if nread > 0 {
            // Local copy: the closure may close the stream, which drops the stored one.
            guard let onData else { return }
            let base = sharesLoopReadBuffer ? UnsafeMutableRawPointer(loop.sharedReadBuffer.baseAddress!) : readBuffer
            guard let base else { return }
            onData(UnsafeRawBufferPointer(start: base, count: nread))
        } else if nread < 0 {
            // EOF or error: libuv will not stop reading by itself, so stop before reporting.
            let onEnd = self.onEnd
            stopReading()
            let code = Int32(truncatingIfNeeded: nread)
            onEnd?(code == UV_EOF.rawValue ? nil : UVError(code: code, operation: "read"))
        }
        // nread == 0 is EAGAIN: nothing to report.
    }

    // MARK: Writing

    /// Writes caller-owned bytes without copying (`uv_write`). The memory must stay valid
    /// (and unchanged) until `completion` has run — which it does exactly once: nil on
    /// success, the error otherwise (`ECANCELED` if the stream was closed first), and
    /// synchronously if libuv refuses the write at once.
    public func write(_ bytes: UnsafeRawBufferPointer, completion: ((UVError?) -> Void)?) {
        guard state == .open else {
            completion?(UVError(code: UV_EBADF.rawValue, operation: "uv_write"))
            return
        }
        let (slot, request) = writeRequests.acquire(completion)
        // uv_write copies the uv_buf_t array into the request, so a stack value suffices.
        var buffer = uv_buf_t(
            base: UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: CChar.self)),
            len: bytes.count)
        let result = uv_write(
            request, stream, &buffer, 1,
            { request, status in
                let request = request!
                let this = Unmanaged<Stream>.fromOpaque(request.pointee.handle.pointee.data)
                    .takeUnretainedValue()
                let completion = this.writeRequests.release(slot: WriteRequestPool.slot(of: request))
                completion?(status < 0 ? UVError(code: status, operation: "uv_write") : nil)
            })
        if result < 0 {
            let completion = writeRequests.release(slot: slot)
            completion?(UVError(code: result, operation: "uv_write"))
        }
    }

    /// Convenience for control messages, not the hot path: copies `bytes` into a temporary
    /// buffer that is freed when the write completes.
    public func write(_ bytes: [UInt8], completion: ((UVError?) -> Void)? = nil) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        copy.copyBytes(from: bytes)
        write(UnsafeRawBufferPointer(copy)) { error in
            copy.deallocate()
            completion?(error)
        }
    }

    /// Writes as much as the kernel takes right now without queueing (`uv_try_write`).
    /// Returns the number of bytes written, 0 if it would block (or earlier writes are still
    /// queued); throws on any other error.
    public func tryWrite(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        try checkOpen("uv_try_write")
        var buffer = uv_buf_t(
            base: UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: CChar.self)),
            len: bytes.count)
        let result = uv_try_write(stream, &buffer, 1)
        if result == UV_EAGAIN.rawValue { return 0 }
        return Int(try uvCheck("uv_try_write", result))
    }

    /// Shuts down the write side once queued writes have flushed (`uv_shutdown`, i.e. sends
    /// FIN on TCP). `completion` runs exactly once, like a write's.
    public func shutdown(_ completion: ((UVError?) -> Void)? = nil) {
        guard state == .open else {
            completion?(UVError(code: UV_EBADF.rawValue, operation: "uv_shutdown"))
            return
        }
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        request.initialize(to: uv_shutdown_t())
        request.pointee.data = CompletionBox.retain(completion)
        let result = uv_shutdown(
            request, stream,
            { request, status in
                let completion = CompletionBox.take(request!.pointee.data)
                request!.deallocate()
                completion?(status < 0 ? UVError(code: status, operation: "uv_shutdown") : nil)
            })
        if result < 0 {
            _ = CompletionBox.take(request.pointee.data)
            request.deallocate()
            completion?(UVError(code: result, operation: "uv_shutdown"))
        }
    }

    /// Bytes queued in libuv but not yet handed to the kernel
    /// (`uv_stream_get_write_queue_size`); use it for back-pressure.
    public var writeQueueSize: Int {
        guard state == .open || state == .closing else { return 0 }
        return uv_stream_get_write_queue_size(stream)
    }

    /// Number of pooled `uv_write_t` requests; for tests checking that writes reuse them.
    var pooledWriteRequests: Int { writeRequests.count }

    // MARK: Listening (used by TCP; a Pipe server could reuse it)

    /// `uv_listen` with the connection callback stored in the object.
    func startListening(backlog: Int32, _ onConnection: @escaping (UVError?) -> Void) throws {
        try checkOpen("uv_listen")
        let previous = self.onConnection
        self.onConnection = onConnection
        let result = uv_listen(
            stream, backlog,
            { server, status in
                let this = Unmanaged<Stream>.fromOpaque(server!.pointee.data).takeUnretainedValue()
                guard let onConnection = this.onConnection else { return }
                onConnection(status < 0 ? UVError(code: status, operation: "connection") : nil)
            })
        if result < 0 {
            self.onConnection = previous
            throw UVError(code: result, operation: "uv_listen")
        }
    }

    override func dropCallbacks() {
        onData = nil
        onEnd = nil
        onConnection = nil
        super.dropCallbacks()
    }
}
