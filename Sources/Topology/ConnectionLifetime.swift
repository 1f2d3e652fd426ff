/// `connection:` in a workload: connection churn. Each connection closes gracefully once it has
/// lived this long or served this many calls, and a new one replaces it at once.
public enum ConnectionLifetime: Codable, Sendable, Equatable {
    /// `{ lifetime: 1s }`: milliseconds from when the connection was established.
    case lifetime(milliseconds: Int)
    /// `{ requests: 100 }`: calls per connection.
    case requests(Int)

    /// The most calls `requests` may say: past it a connection serves no churn worth a cell
    /// (and the load path's counts would near their limits).
    public static let maximumCalls = 1_000_000_000

    /// How the plan and the reports name it: "lifetime 1s", "100 requests".
    public var description: String {
        switch self {
        case .lifetime(let milliseconds):
            milliseconds % 1000 == 0 ? "lifetime \(milliseconds / 1000)s" : "lifetime \(milliseconds)ms"
        case .requests(let count): "\(count) requests"
        }
    }
}

extension Workload {
    /// The longest duration a workload may give (warmup, duration, deadline, a connection's
    /// lifetime): 24 hours; past it a value is a typo, and some would overflow in nanoseconds.
    public static let maximumMilliseconds = 86_400_000

    /// Milliseconds of a duration written as in a topology ("500ms", "1s", "2m"); nil when the
    /// text is not one. For command-line options that take the file's durations.
    public static func milliseconds(of text: String) -> Int? {
        if case .value(let milliseconds) = Quantity.durationMilliseconds(text) { return milliseconds }
        return nil
    }
}
