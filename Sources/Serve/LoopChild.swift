import UV
import Wire
import WorkerCore

/// A system or build started on a libuv loop, its stderr relayed to this node's log.
final class LoopChild: LayerChild {
    private let process: Process
    private let stderr: StderrRelay

    /// Starts `command` detached (its own session and process group: the whole tree is
    /// sampled and killed as one), stdin ignored; its stdout goes to our stderr, since the
    /// worker's stdout is the control channel.
    init(loop: Loop, command: ServerCommand, onExit: @escaping (ExitStatus) -> Void) throws {
        let stderr = try StderrRelay(loop: loop)
        var options = Process.Options(executable: command.executable, arguments: command.arguments)
        options.environment = command.environment
        options.workingDirectory = command.workingDirectory
        options.stdin = .ignore
        options.stdout = .inherit(2)
        options.stderr = .inherit(stderr.childEnd)
        options.detached = true
        do {
            process = try Process(loop: loop, options: options) { status, signal in
                onExit(ExitStatus(exitStatus: status, termSignal: signal))
            }
        } catch {
            stderr.spawned()
            stderr.close()
            throw error
        }
        stderr.spawned()
        self.stderr = stderr
    }

    var pid: Int32 { process.pid }

    var lastLine: String? { stderr.lastLine }

    func finish() {
        stderr.drain()
        stderr.close()
    }
}
