import CUV

/// A libuv pipe (`uv_pipe_t`): a stream over a Unix-domain socket or pipe file descriptor —
/// typically a child process's stdio (`Process.Stdio.pipe`) or an inherited fd (`open(_:)`).
public final class Pipe: Stream {
    /// Creates an unconnected pipe (`uv_pipe_init`). `ipc` enables passing handles over it;
    /// it must match how the other end was created.
    public init(loop: Loop, ipc: Bool = false) throws {
        super.init(loop: loop, type: UV_NAMED_PIPE)
        try initialize("uv_pipe_init") { uv_pipe_init(loop.pointer, pipe, ipc ? 1 : 0) }
    }

    private var pipe: UnsafeMutablePointer<uv_pipe_t> {
        raw.assumingMemoryBound(to: uv_pipe_t.self)
    }

    /// Adopts an existing file descriptor (`uv_pipe_open`); libuv makes it non-blocking and
    /// closes it when the pipe is closed.
    public func open(_ fd: Int32) throws {
        try checkOpen("uv_pipe_open")
        try uvCheck("uv_pipe_open", uv_pipe_open(pipe, fd))
    }
}
