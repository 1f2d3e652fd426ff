/// How fast the clients send, in total over all workers.
public enum Rate: Sendable, Equatable {
    /// Closed loop: each connection sends as soon as its previous reply arrived.
    case max
    /// Open loop: this many requests per second in total, whether or not replies keep up.
    case perSecond(Double)
}
