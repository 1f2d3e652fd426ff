/// A message of one direction of a worker's control channel: `CoordinatorMessage` or
/// `WorkerMessage`. Both travel as one JSON object per frame with exactly one key, the
/// message's tag, whose value is the payload (`{}` for a message without one).
public protocol ControlMessage: Codable, Sendable, Equatable {
    /// The way this type's messages travel.
    static var direction: ControlDirection { get }
}
