/// Which way a control message travels; each direction has its own message enum.
public enum ControlDirection: Sendable, Equatable, CustomStringConvertible {
    /// `CoordinatorMessage`: setups, start, marks, stop, heartbeats.
    case toWorker
    /// `WorkerMessage`: hello, ready reports, acks, results, failures, progress.
    case toCoordinator

    /// "coordinator → worker", "worker → coordinator".
    public var description: String {
        switch self {
        case .toWorker: return "coordinator → worker"
        case .toCoordinator: return "worker → coordinator"
        }
    }

    /// The tags of this direction's messages, as they appear on the wire.
    var tags: Set<String> {
        switch self {
        case .toWorker: return Set(CoordinatorMessage.Tag.allCases.map(\.rawValue))
        case .toCoordinator: return Set(WorkerMessage.Tag.allCases.map(\.rawValue))
        }
    }

    /// The other direction.
    var reversed: ControlDirection {
        switch self {
        case .toWorker: return .toCoordinator
        case .toCoordinator: return .toWorker
        }
    }
}
