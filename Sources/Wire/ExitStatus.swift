/// How a process ended, in the words messages use.
public enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int64)
    case signaled(Int32)

    /// From libuv's exit callback arguments: a non-zero signal wins.
    public init(exitStatus: Int64, termSignal: Int32) {
        self = termSignal != 0 ? .signaled(termSignal) : .exited(exitStatus)
    }

    /// "exited with status 3", "was killed by signal 9 (SIGKILL)".
    public var description: String {
        switch self {
        case .exited(let code):
            return "exited with status \(code)"
        case .signaled(let signal):
            if let name = Self.signalNames[signal] {
                return "was killed by signal \(signal) (\(name))"
            }
            return "was killed by signal \(signal)"
        }
    }

    /// True for a clean exit.
    public var isSuccess: Bool { self == .exited(0) }

    private static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"
    ]
}
