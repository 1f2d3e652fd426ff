import Glibc
import UV
import Wire

/// Runs one command to its end on a loop of its own, feeding it stdin and collecting its
/// output: for the short ssh exchanges before a run (deploy, preflight), not for workers.
public enum CommandRunner {
    /// What a finished command left.
    public struct Outcome: Sendable {
        public var status: ExitStatus
        /// Standard output as bytes (a tar stream, say).
        public var stdoutBytes: [UInt8]
        public var stderr: String
        /// Whether it ran its course or was cut short, and by what.
        public var ending: Ending

        /// Killed after its timeout.
        public var timedOut: Bool { ending == .timedOut }
        /// Stopped because `stopWhen` said so (the coordinator was interrupted).
        public var stopped: Bool { ending == .stopped }

        /// Standard output as text.
        public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }

        /// The last non-empty line of stderr (what ssh says when it fails).
        public var lastErrorLine: String {
            stderr.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        }
    }

    /// How a command ended, as far as the runner is concerned (its own exit is `status`).
    public enum Ending: Sendable, Equatable {
        case ranItsCourse
        case timedOut
        case stopped
    }

    /// Runs `executable arguments`; `stdin` is written in chunks (`progress` gets bytes written
    /// so far), then closed. Kills the command after `timeoutMs`, and sends it SIGTERM as soon
    /// as `stopWhen` (asked every 50 ms) says so.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: [UInt8] = [],
        timeoutMs: UInt64, stopWhen: (() -> Bool)? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws -> Outcome {
        // A command that exits before reading all its stdin (ssh that lost its host) must fail
        // the write, not kill this process.
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        let input = try Pipe(loop: loop)
        let output = try Pipe(loop: loop)
        let errors = try Pipe(loop: loop)
        var status: ExitStatus?
        var stdoutBytes: [UInt8] = []
        var stderrBytes: [UInt8] = []
        var openStreams = 2
        var options = Process.Options(executable: executable, arguments: arguments)
        options.stdin = .pipe(input)
        options.stdout = .pipe(output)
        options.stderr = .pipe(errors)
        let timer = try Timer(loop: loop)
        let stopCheck = try Timer(loop: loop)
        var ending = Ending.ranItsCourse
        let process = try Process(loop: loop, options: options) { code, signal in
            status = ExitStatus(exitStatus: code, termSignal: signal)
            timer.close()
            stopCheck.close()
        }
        for (stream, isError) in [(output, false), (errors, true)] {
            try stream.startReading(
                onData: { bytes in
                    if isError { stderrBytes += bytes } else { stdoutBytes += bytes }
                },
                onEnd: { _ in
                    stream.close()
                    openStreams -= 1
                })
        }
        // Feed stdin a chunk at a time, so progress can be shown and memory stays flat.
        let chunk = 1 << 20
        var offset = 0
        func writeNext() {
            guard offset < stdin.count else {
                input.close()
                return
            }
            let end = min(stdin.count, offset + chunk)
            input.write(Array(stdin[offset..<end])) { error in
                guard error == nil else {
                    input.close()
                    return
                }
                offset = end
                progress?(offset)
                writeNext()
            }
        }
        writeNext()
        try timer.start(after: timeoutMs) {
            ending = .timedOut
            try? process.kill(SIGKILL)
        }
        if let stopWhen {
            // A signal handler cannot wake this loop (epoll_wait resumes after EINTR), so ask.
            try stopCheck.start(after: 0, repeat: 50) {
                guard ending == .ranItsCourse, stopWhen() else { return }
                ending = .stopped
                stopCheck.stop()
                try? process.kill(SIGTERM)
                // One that ignores SIGTERM is not waited for until its timeout.
                try? timer.start(after: 2_000) { try? process.kill(SIGKILL) }
            }
        }
        while status == nil { loop.run(.once) }
        // Output still in the pipes is read now; but a child that outlives the command (ssh's
        // ControlPersist master) can hold stderr open, so wait for end-of-stream only briefly.
        let deadline = Loop.hrtime() + 200_000_000
        while openStreams > 0 && Loop.hrtime() < deadline {
            loop.run(.noWait)
            usleep(1000)
        }
        for stream in [output, errors, input] { stream.close() }
        return Outcome(
            status: status ?? .signaled(SIGKILL), stdoutBytes: stdoutBytes,
            stderr: String(decoding: stderrBytes, as: UTF8.self), ending: ending)
    }
}
