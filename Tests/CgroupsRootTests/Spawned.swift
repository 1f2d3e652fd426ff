import Testing

@testable import Cgroups

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn and waited for with a bound (tests avoid
/// Foundation's `Process`, which reaps children on a thread of its own).
final class Spawned {
    /// How a child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Why a child could not be started.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: Int32
    private(set) var ending: Ending?

    /// Starts `arguments` (looked up on PATH), stdin and stdout on /dev/null, stderr into
    /// `stderrPath` if given (else /dev/null), with no signal blocked.
    init(_ arguments: [String], stderrPath: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: Int32 = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    deinit {
        if ending == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Waits for the end at most `timeout` seconds; nil if still running.
    @discardableResult
    func wait(timeout: Double) -> Ending? {
        let deadline = CgroupTeardown.monotonicSeconds() + timeout
        while ending == nil {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                ending = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
            } else if CgroupTeardown.monotonicSeconds() > deadline {
                return nil
            } else {
                usleep(10_000)
            }
        }
        return ending
    }

    /// Kills it and reaps it.
    func stop() {
        guard ending == nil else { return }
        kill(pid, SIGKILL)
        wait(timeout: 5)
    }
}
