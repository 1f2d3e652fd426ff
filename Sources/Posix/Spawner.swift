import Glibc

/// Starts programs outside any libuv loop: one waited for to its end with what it printed on
/// one stream (`git rev-parse`, `protoc`), or one left to run with nothing to say (the
/// ssh-reaper, `ssh -O exit`).
///
/// posix_spawn and waitpid on that one pid, not Foundation's Process: nothing of it (a
/// SIGCHLD handler, a watcher thread) may outlive the call and meet a loop's own child handling.
public enum Spawner {
    /// The stream whose bytes come back; the other and stdin are `/dev/null`.
    public enum Captured: Sendable {
        case standardOutput
        case standardError
    }

    /// How the program ended and what it printed.
    public struct Outcome: Sendable, Equatable {
        /// Its exit status, or 128 + the signal that killed it.
        public var status: Int32
        /// The captured stream's bytes, cut at the limit asked for.
        public var output: [UInt8]

        /// The output as text.
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// The program could not be started: `errno` says why (ENOENT: not found on `PATH`).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    /// Runs `arguments` with this process's environment and waits for it: `executable` when
    /// given (the caller found it), else `arguments[0]` looked up on `PATH`. Keeps the first
    /// `limit` bytes of the `captured` stream, reading the rest to its end so the program never
    /// blocks on a full pipe.
    public static func run(
        _ arguments: [String], executable: String? = nil, capturing captured: Captured, limit: Int
    ) -> Result<Outcome, Failure> {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return .failure(Failure(errno: errno)) }
        defer { close(pipeEnds[0]) }
        let (kept, silenced): (Int32, Int32) = captured == .standardOutput ? (1, 2) : (2, 1)
        let spawned = spawn(arguments, executable: executable) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], kept)
            posix_spawn_file_actions_addopen(&actions, silenced, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        }
        close(pipeEnds[1])
        let pid: pid_t
        switch spawned {
        case .success(let started): pid = started
        case .failure(let failure): return .failure(failure)
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipeEnds[0], &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if output.count < limit { output += chunk[0..<min(count, limit - output.count)] }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return .success(Outcome(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal, output: output))
    }

    /// Starts `arguments` (the first one looked up on `PATH` unless it holds a `/`) with stdin,
    /// stdout and stderr on /dev/null, since it has nothing to say and may not hold its
    /// parent's output pipes open; its pid, or nil if it could not be started. Not waited for.
    public static func startQuiet(_ arguments: [String]) -> pid_t? {
        guard !arguments.isEmpty else { return nil }
        let spawned = spawn(arguments, executable: nil) { actions in
            for descriptor in Int32(0)...2 {
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        return try? spawned.get()
    }

    /// posix_spawn (of `executable`) or posix_spawnp (of `arguments[0]`) with the file actions
    /// `arrange` adds and this process's environment.
    private static func spawn(
        _ arguments: [String], executable: String?, arrange: (inout posix_spawn_file_actions_t) -> Void
    ) -> Result<pid_t, Failure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        arrange(&actions)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned =
            if let executable {
                posix_spawn(&pid, executable, &actions, nil, &argv, environ)
            } else {
                posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
            }
        return spawned == 0 ? .success(pid) : .failure(Failure(errno: spawned))
    }
}
