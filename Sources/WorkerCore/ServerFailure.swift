import Topology
import Wire

/// Why a server worker could not bring up or keep its system, carrying what the message
/// names; `description` is the line the coordinator shows.
public enum ServerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TLS certificate or key could not be written.
    case tlsFiles(system: String, host: String, reason: String)
    /// The cell's cgroup could not be made with `limits`.
    case limits(Limits, host: String, reason: String)
    /// The recipe's `build` could not be started.
    case buildNotStarted(build: String, reason: String)
    /// The recipe's `build` ended unsuccessfully.
    case buildFailed(container: String, status: ExitStatus, lastLine: String?)
    /// No port could be picked on the bind address.
    case noFreePort(bindHost: String, reason: String)
    /// The system's executable could not be started.
    case notStarted(executable: String, reason: String)
    /// The system did not accept a TCP connection before its ready timeout.
    case notReady(system: String, address: String, port: Int, timeoutMs: UInt64)
    /// The kernel killed the system for exceeding its memory limit.
    case outOfMemory(system: String, limits: Limits, status: ExitStatus)
    /// The system exited without being asked to (`program`: "builtin" or its `run`).
    case exited(system: String, program: String, status: ExitStatus, lastLine: String?)

    public var description: String {
        switch self {
        case .tlsFiles(let system, let host, let reason):
            return "cannot write the TLS certificate for \(system) on \(host): \(reason)"
        case .limits(let limits, let host, let reason):
            return "limits \(limits.summary) cannot be enforced on \(host): \(reason)"
        case .buildNotStarted(let build, let reason):
            return "could not run \(build): \(reason)"
        case .buildFailed(let container, let status, let lastLine):
            return "\(container)/build \(status)\(Self.tail(lastLine)) (its output is in this node's log)"
        case .noFreePort(let bindHost, let reason):
            return "no free port on \(bindHost): \(reason)"
        case .notStarted(let executable, let reason):
            return "could not start \(executable): \(reason)"
        case .notReady(let system, let address, let port, let timeoutMs):
            return "\(system) did not accept TCP connections on \(address):\(port) within \(timeoutMs / 1000) s"
        case .outOfMemory(let system, let limits, let status):
            return "\(system) ran out of memory (limit \(limits.summary)): the kernel killed it (\(status))"
        case .exited(let system, let program, let status, let lastLine):
            return "\(system) (\(program)) \(status)\(Self.tail(lastLine))"
        }
    }

    /// `; its last stderr line: …`, or nothing if it wrote none.
    static func tail(_ lastLine: String?) -> String {
        lastLine.map { "; its last stderr line: \($0)" } ?? ""
    }
}
