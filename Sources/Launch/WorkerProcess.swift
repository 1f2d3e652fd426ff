import Control
import Glibc
import UV
import Wire

/// A `barrage worker` process — on this machine, or on another through an `ssh` process
/// running it there — with its control channel on its stdin/stdout and its stderr appended to
/// a log file.
public final class WorkerProcess {
    /// Node name ("server", "client-1", …).
    public let node: String
    private let process: Process
    private let channel: ControlChannel<WorkerMessage, CoordinatorMessage>
    private var controlClosed = false

    /// Spawns the worker in its own session, so a Ctrl-C at the terminal reaches only the
    /// coordinator, which then stops workers in order.
    public init(
        loop: Loop, node: String, executable: String, arguments: [String] = ["worker"], logPath: String,
        onMessage: @escaping (WorkerMessage) -> Void,
        onChannelEnd: @escaping (ControlChannelEnd) -> Void,
        onExit: @escaping (ExitStatus) -> Void
    ) throws {
        self.node = node
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw UVError(code: -errno, operation: "open \(logPath)")
        }
        defer { close(logFD) }
        let stdinPipe = try Pipe(loop: loop)
        let stdoutPipe = try Pipe(loop: loop)
        var options = Process.Options(executable: executable, arguments: arguments)
        options.stdin = .pipe(stdinPipe)
        options.stdout = .pipe(stdoutPipe)
        options.stderr = .inherit(logFD)
        options.detached = true
        do {
            process = try Process(loop: loop, options: options) { status, signal in
                onExit(ExitStatus(exitStatus: status, termSignal: signal))
            }
        } catch {
            stdinPipe.close()
            stdoutPipe.close()
            throw error
        }
        channel = ControlChannel(input: stdoutPipe, output: stdinPipe)
        try channel.start(onMessage: onMessage, onEnd: onChannelEnd)
    }

    /// Sends one control message (ignored once the channel is closed).
    public func send(_ message: CoordinatorMessage) {
        guard !controlClosed else { return }
        channel.send(message)
    }

    /// Closes the control channel: the worker kills what it started and exits.
    public func closeControl() {
        guard !controlClosed else { return }
        controlClosed = true
        channel.close()
    }

    /// Sends `signal` to the worker.
    public func kill(_ signal: Int32) {
        try? process.kill(signal)
    }

    /// Releases the process handle once it has exited.
    public func release() {
        closeControl()
        process.close()
    }
}
