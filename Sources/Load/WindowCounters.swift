import Metrics

/// What a load generator counts, split into "since load started" (progress) and "inside the
/// measurement window" (results). Only the window is reported as the result.
public struct WindowCounters: Sendable {
    /// The window's state.
    public enum Window: Equatable, Sendable {
        /// Before the first mark: nothing is recorded as a result.
        case warmup
        /// Between the marks.
        case open
        /// After the second mark: frozen.
        case closed
    }

    public private(set) var window: Window = .warmup
    /// Successful requests since load started.
    public private(set) var totalRequests: UInt64 = 0
    /// Failed requests since load started.
    public private(set) var totalErrors: UInt64 = 0
    /// Inside the window.
    public private(set) var requests: UInt64 = 0
    public private(set) var errors: [String: UInt64] = [:]
    public private(set) var histogram = LatencyHistogram()

    public init() {}

    /// One successful request with its latency.
    @inline(__always)
    public mutating func success(latencyMicroseconds: UInt64) {
        totalRequests &+= 1
        if window == .open {
            requests &+= 1
            histogram.record(microseconds: latencyMicroseconds)
        }
    }

    /// One failed request of `kind`.
    public mutating func failure(_ kind: String) {
        totalErrors &+= 1
        if window == .open { errors[kind, default: 0] += 1 }
    }

    /// Opens (index 1) or closes (index 2) the window.
    public mutating func mark(index: Int) {
        if index == 1 {
            window = .open
            requests = 0
            errors = [:]
            histogram.reset()
        } else if window == .open {
            window = .closed
        }
    }

    /// Adds another thread's counters (same window edges).
    public mutating func add(_ other: WindowCounters) {
        totalRequests &+= other.totalRequests
        totalErrors &+= other.totalErrors
        requests &+= other.requests
        errors.merge(other.errors, uniquingKeysWith: +)
        histogram.add(other.histogram)
    }
}
