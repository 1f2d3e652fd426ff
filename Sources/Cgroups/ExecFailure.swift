/// Why `CgroupExec.exec` could not replace the process, with env(1)'s exit statuses.
public enum ExecFailure: Sendable, Equatable {
    /// `cgexec` itself failed (no command given, a cgroup could not be joined): the command
    /// was not run (125, as env(1) for its own failures).
    case setupFailed(String)
    /// The command was found but could not be run: not executable, bad format … (126).
    case cannotRun(String)
    /// No such command, on `PATH` or at the given path (127).
    case notFound(String)

    /// The exit status to end with.
    public var exitCode: Int32 {
        switch self {
        case .setupFailed: 125
        case .cannotRun: 126
        case .notFound: 127
        }
    }

    /// One line, without a prefix.
    public var message: String {
        switch self {
        case .setupFailed(let text), .cannotRun(let text), .notFound(let text): text
        }
    }
}
