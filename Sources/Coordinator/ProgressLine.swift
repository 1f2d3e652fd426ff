import Metrics

/// One line of live progress, e.g.
/// `[2/6] builtin c100 r1 · measuring 3.2/5.0 s · 12345 req/s · 100/100 conns · 0 errors`.
public struct ProgressLine: Equatable, Sendable {
    public var cellNumber: Int
    public var cellCount: Int
    public var cellLabel: String
    public var phase: String
    /// Seconds into the phase, and the phase's planned length when it has one.
    public var elapsedSeconds: Double
    public var plannedSeconds: Double?
    public var requestsPerSecond: Double?
    public var connectionsUp: Int?
    public var connectionsPlanned: Int
    public var errors: UInt64
    /// The most common failure so far, with the server's words: why calls fail.
    public var topError: ErrorSample?

    public init(
        cellNumber: Int, cellCount: Int, cellLabel: String, phase: String, elapsedSeconds: Double,
        plannedSeconds: Double?, requestsPerSecond: Double?, connectionsUp: Int?, connectionsPlanned: Int,
        errors: UInt64, topError: ErrorSample? = nil
    ) {
        self.topError = topError
        self.cellNumber = cellNumber
        self.cellCount = cellCount
        self.cellLabel = cellLabel
        self.phase = phase
        self.elapsedSeconds = elapsedSeconds
        self.plannedSeconds = plannedSeconds
        self.requestsPerSecond = requestsPerSecond
        self.connectionsUp = connectionsUp
        self.connectionsPlanned = connectionsPlanned
        self.errors = errors
    }

    /// The line's text.
    public var text: String {
        var parts = ["[\(cellNumber)/\(cellCount)] \(cellLabel)"]
        if let planned = plannedSeconds {
            parts.append("\(phase) \(Self.oneDecimal(elapsedSeconds))/\(Self.oneDecimal(planned)) s")
        } else {
            parts.append("\(phase) \(Self.oneDecimal(elapsedSeconds)) s")
        }
        if let rate = requestsPerSecond { parts.append("\(Self.whole(rate)) req/s") }
        if let up = connectionsUp { parts.append("\(up)/\(connectionsPlanned) conns") }
        if errors > 0, let top = topError {
            parts.append("\(errors) errors (most: \(top.text))")
        } else {
            parts.append("\(errors) errors")
        }
        return parts.joined(separator: " · ")
    }

    /// `value` rounded to a whole number; one too large for an Int (a worker's bad figure)
    /// in exponent form rather than a trap.
    static func whole(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return value.isNaN ? "?" : "\(value)" }
        return String(Int(value.rounded()))
    }

    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite, value < 1e14 else { return value.isNaN ? "?" : "\(value)" }
        let tenths = Int((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
