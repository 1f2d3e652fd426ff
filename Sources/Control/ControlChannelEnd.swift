/// How a control channel ended.
public enum ControlChannelEnd: Equatable, Sendable {
    /// The peer closed it.
    case closed
    /// It carried something that is not a control stream of the expected direction, or a read failed.
    case broken(String)
}
