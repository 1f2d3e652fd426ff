import Glibc
import UV
import WorkerCore

/// A child's stderr, passed on to ours (this node's log) as it comes, keeping its last line
/// for the failure message when the child dies.
///
/// The child writes into a pipe made here (`childEnd`, given as `.inherit(childEnd)`); the
/// loop reads the other end. When the child has exited, everything it wrote is already in the
/// pipe, so `drain()` reads it synchronously: the last line is known before the exit is
/// reported, whichever of exit and readable data libuv delivers first.
final class StderrRelay {
    /// The write end, for the child's fd 2; `spawned()` closes our copy of it.
    let childEnd: Int32
    private let readEnd: Int32
    private let pipe: Pipe
    private var tail = LastLine()
    private var open = true

    init(loop: Loop) throws {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw UVError(code: -errno, operation: "pipe") }
        // Close-on-exec: libuv dup2s `childEnd` onto the child's fd 2 (which clears the flag
        // there), and no other child should inherit either end. (Glibc's module hides pipe2;
        // children are only spawned from this loop's thread, so there is no window to race.)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readEnd = fds[0]
        childEnd = fds[1]
        do {
            pipe = try Pipe(loop: loop)
            try pipe.open(readEnd)
            try pipe.startReading(
                onData: { [weak self] bytes in self?.relay(bytes) },
                onEnd: { [weak self] _ in self?.close() })
        } catch {
            Glibc.close(readEnd)
            Glibc.close(childEnd)
            throw error
        }
    }

    /// The child has its copy of the write end: drop ours, or EOF would never come.
    func spawned() {
        Glibc.close(childEnd)
    }

    /// The last non-blank line the child wrote, if any.
    var lastLine: String? { tail.line }

    /// Reads what is in the pipe now, without waiting (the pipe is non-blocking).
    func drain() {
        guard open else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            buffer.withUnsafeBytes { relay(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    /// Stops relaying; a process still writing gets EPIPE.
    func close() {
        guard open else { return }
        open = false
        pipe.close()
    }

    private func relay(_ bytes: UnsafeRawBufferPointer) {
        tail.append(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
