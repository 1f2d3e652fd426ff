/// When a load generator's connection retires (connection churn): after it has lived a while, or
/// after it has started so many calls. A retiring connection takes no new calls, lets the ones
/// in flight finish (gRPC: it says GOAWAY), closes, and a replacement opens at once.
public enum ConnectionLimit: Sendable, Equatable {
    /// Retire `ns` nanoseconds after the connection was established.
    case lifetime(ns: UInt64)
    /// Retire once the connection has started this many calls (≥ 1).
    case calls(Int)

    /// The first limit of connection `index` of `count`, staggered so that the connections do
    /// not all retire together: `(index + 1) / count` of the full limit (at least one call), so
    /// the first retirements spread evenly over one lifetime.
    func staggered(index: Int, of count: Int) -> ConnectionLimit {
        let count = max(count, 1)
        switch self {
        case .lifetime(let ns):
            let share = Double(index % count + 1) / Double(count)
            return .lifetime(ns: max(1, UInt64(Double(ns) * share)))
        case .calls(let calls):
            let share = (Int64(calls) * Int64(index % count + 1) + Int64(count) - 1) / Int64(count)
            return .calls(max(1, Int(share)))
        }
    }
}
