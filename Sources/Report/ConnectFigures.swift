import Metrics

/// Connection set-up in one cell: `connect_us` in `summary.json`, from the sum of every
/// client's histogram of the connections it established inside the window (TCP connect to the
/// end of the handshake: the server's first SETTINGS for gRPC). All zero when none opened.
public struct ConnectFigures: Codable, Sendable, Equatable {
    public var p50: UInt64
    public var p99: UInt64
    public var max: UInt64

    /// Reads the figures from `histogram`.
    public init(_ histogram: LatencyHistogram) {
        p50 = histogram.value(atPercentile: 50)
        p99 = histogram.value(atPercentile: 99)
        max = histogram.max
    }

    /// Figures given directly (tests, fixtures).
    public init(p50: UInt64 = 0, p99: UInt64 = 0, max: UInt64 = 0) {
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }
}
