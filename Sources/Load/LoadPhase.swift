/// Where a load generator stands; every generator goes through these in order.
enum LoadPhase {
    /// Opening connections; `completion` gets how many came up and why the others did not.
    case connecting(completion: (Int, [String: UInt64]) -> Void)
    /// Connected, waiting for `start()`.
    case connected
    /// Sending load.
    case running
    /// Stopped; connections closed.
    case stopped
}
