import Metrics

/// What the client worker drives, whatever the protocol: one loop's share of connections.
///
/// Every call happens on the engine's own loop thread.
public protocol LoadEngine: AnyObject {
    /// Opens every connection; `completion` gets how many are up and why the others failed
    /// (reason → count, e.g. "ECONNREFUSED": 3).
    func connect(completion: @escaping (Int, [String: UInt64]) -> Void)
    /// Starts sending on every connection.
    func start()
    /// Opens or closes the measurement window.
    func mark(_ edge: WindowMark)
    /// Stops sending and closes every connection.
    func stop()
    /// Counters since load started and inside the window.
    var counters: WindowCounters { get }
    /// Hands over the window's seconds that have ended (see `WindowCounters.takeClosedIntervals`).
    func takeClosedIntervals() -> [ClientInterval]
    /// Connections up right now.
    var connectionsUp: Int { get }
}
