import Metrics

/// Server pauses in one cell: `pauses` in `summary.json`. Stretches of at least `threshold_ms`
/// in which every client had calls outstanding and heard nothing from the server, its own loop
/// awake (a client's loop stall is never counted), intersected over the clients on the window's
/// marks.
public struct PauseFigures: Codable, Sendable, Equatable {
    /// The shortest pause counted, ms.
    public var thresholdMs: UInt64
    /// Pauses counted.
    public var count: Int
    /// The longest, ms; 0 without any.
    public var longestMs: Double
    /// All of them together, ms.
    public var totalMs: Double
    /// Each pause, ms from the window's opening (the first `maximumSpans`): where report.html
    /// marks them on the time series. Not in SPEC.md's schema: an addition.
    public var spans: [Span]

    /// One pause, ms from the window's opening.
    public struct Span: Codable, Sendable, Equatable {
        public var startMs: Double
        public var endMs: Double

        public init(startMs: Double, endMs: Double) {
            self.startMs = startMs
            self.endMs = endMs
        }

        enum CodingKeys: String, CodingKey {
            case startMs = "start_ms"
            case endMs = "end_ms"
        }
    }

    /// Spans listed at most; `count`, `longest_ms` and `total_ms` cover every pause.
    static let maximumSpans = 1_000

    /// No pause at `thresholdMs`.
    public init(thresholdMs: UInt64 = 10) {
        self.init(thresholdMs: thresholdMs, common: [])
    }

    /// The figures of `common`, the clients' common stretches (each at least the threshold).
    public init(thresholdMs: UInt64, common: [PauseSpan]) {
        self.thresholdMs = thresholdMs
        count = common.count
        longestMs = Double(common.map(\.lengthUs).max() ?? 0) / 1000
        totalMs = Double(common.map(\.lengthUs).reduce(0, +)) / 1000
        spans = common.prefix(Self.maximumSpans).map {
            Span(startMs: Double($0.startUs) / 1000, endMs: Double($0.endUs) / 1000)
        }
    }

    /// What every client of a cell saw, at the threshold they were given (the largest, should
    /// they differ); clients whose files predate pauses are left out, and none gives no pause.
    static func merged(_ clients: [ClientNodeResult]) -> PauseFigures {
        let watching = clients.filter { $0.pauseThresholdMs != nil }
        guard let threshold = watching.compactMap(\.pauseThresholdMs).max() else { return PauseFigures() }
        return PauseFigures(
            thresholdMs: threshold, common: PauseSpan.common(watching.map(\.pauses), minimumUs: threshold * 1000))
    }

    enum CodingKeys: String, CodingKey {
        case count, spans
        case thresholdMs = "threshold_ms"
        case longestMs = "longest_ms"
        case totalMs = "total_ms"
    }
}
