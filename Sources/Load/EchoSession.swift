import UV

/// One tcp-echo connection of the load generator: sends the payload, waits until all of it
/// has come back, records the round trip, and goes again.
final class EchoSession {
    enum State {
        case connecting
        /// Connected; waiting for load to start or for the next scheduled send.
        case idle
        /// A request is out; `received` bytes of its echo are back.
        case awaiting(sentNs: UInt64, intendedNs: UInt64, received: Int)
        /// Down; may reconnect while load runs.
        case closed
    }

    let index: Int
    // Not connecting until `open` runs: sessions wait their turn in the connect batches, and a
    // waiting one must not count against the connect timeout.
    var state: State = .closed
    var tcp: TCP?
    /// Open loop: when the next request is due (ns, monotonic).
    var nextIntendedNs: UInt64 = 0

    init(index: Int) {
        self.index = index
    }
}
