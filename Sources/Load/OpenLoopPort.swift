/// What `OpenLoopDriver` drives: the load generator's connections, or a test's simulated ones.
/// Connections are named by the generator's index.
protocol OpenLoopPort: AnyObject {
    /// Whether `connection` can take a send now.
    func availability(of connection: Int) -> StreamAvailability
    /// Sends one request on `connection` (which said `.free`) at `nowNs`, its latency counted
    /// from `startNs` ≤ `nowNs`. `late`: the driver itself sent it ≥ 1 ms after it was due.
    /// False if the session refused it after all (it then waits in the backlog).
    func send(on connection: Int, startNs: UInt64, nowNs: UInt64, late: Bool) -> Bool
    /// A send came due while every stream of `connection` was busy and waits, in order.
    func queued(on connection: Int)
    /// A send came due for `connection` while it was down.
    func failedDown(on connection: Int)
}
