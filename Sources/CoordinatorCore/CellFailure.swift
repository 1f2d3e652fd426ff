import Wire

/// Why a cell failed: one case per kind, the words built only when someone reads them.
public enum CellFailure: Equatable, Sendable, CustomStringConvertible {
    /// A worker's process could not be started at all.
    case couldNotStart(WorkerNode, reason: String)
    /// A worker's control channel broke while its process lived on.
    case channelLost(WorkerNode, during: String, reason: String)
    /// A worker process ended when nobody asked it to.
    case exited(WorkerNode, ExitStatus, during: String)
    /// A worker said it cannot go on.
    case workerFailed(WorkerNode, during: String, reason: String)
    /// A worker of another barrage build.
    case protocolMismatch(WorkerNode, worker: Int, coordinator: Int)
    /// A worker sent a message its role or the cell's phase has no place for.
    case unexpectedMessage(WorkerNode, message: String, during: String)
    /// Server workers whose systems did not accept connections in time.
    case serversNotReady([WorkerNode], withinMs: UInt64)
    /// Client workers that did not attempt every connection in time (the barrier).
    case clientsNotReady([WorkerNode], withinMs: UInt64)
    /// Workers that did not answer a mark or stop in time.
    case noAnswer([WorkerNode], withinMs: UInt64, during: String)
    /// A trial's clients that did not exit after reporting.
    case didNotExit([WorkerNode], trial: Int)

    public var description: String {
        switch self {
        case .couldNotStart(let node, let reason):
            return "\(node) could not be started: \(reason)"
        case .channelLost(let node, let phase, let reason):
            return "lost the control channel of \(node) during \(phase): \(reason)"
        case .exited(let node, let status, let phase):
            return "\(node) \(status) during \(phase)"
        case .workerFailed(let node, let phase, let reason):
            return "\(node) failed during \(phase): \(Self.printable(reason))"
        case .protocolMismatch(let node, let worker, let coordinator):
            return
                "\(node) speaks control protocol \(worker), this coordinator \(coordinator): deploy the same barrage build everywhere"
        case .unexpectedMessage(let node, let message, let phase):
            return "\(node) sent an unexpected '\(Self.printable(message))' during \(phase)"
        case .serversNotReady(let nodes, let milliseconds):
            return "\(Self.list(nodes)) \(nodes.count == 1 ? "was" : "were") not ready within \(Self.seconds(milliseconds)): "
                + "the system did not accept TCP connections (see its log)"
        case .clientsNotReady(let nodes, let milliseconds):
            return "\(Self.list(nodes)) not ready within \(Self.seconds(milliseconds))"
        case .noAnswer(let nodes, let milliseconds, let phase):
            return "\(Self.list(nodes)) did not answer within \(Self.seconds(milliseconds)) during \(phase)"
        case .didNotExit(let nodes, let trial):
            return "\(Self.list(nodes)) did not exit after trial \(trial)"
        }
    }

    /// A worker's words made safe for a terminal: control characters (escape sequences that
    /// could rewrite the screen, a carriage return that hides what came before) shown as
    /// `\u{1B}`, and at most 2,000 characters.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(2_000) {
            let isControl =
                scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.properties.generalCategory == .format
            result += isControl ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }
        return text.unicodeScalars.count > 2_000 ? result + "…" : result
    }

    private static func list(_ nodes: [WorkerNode]) -> String {
        nodes.map(\.description).joined(separator: ", ")
    }

    /// "120 s", "2.5 s".
    static func seconds(_ milliseconds: UInt64) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
