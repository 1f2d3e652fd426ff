/// Test knobs of the builtin server, read from its environment, that turn it into a
/// known-answer server: with them a run's latency figures can be checked against theory.
///
/// - `BARRAGE_BUILTIN_DELAY=5ms`: every request is answered `delay` after it arrived (held in
///   a queue; the event loop keeps running).
/// - `BARRAGE_BUILTIN_STALL=100ms/1s`: every loop thread freezes (a blocking sleep on the loop)
///   for the first part once every second part, all threads at the same moments: multiples of
///   the period on the host's monotonic clock.
///
/// Durations are a number with `us`, `ms` or `s`.
public struct BuiltinKnobs: Equatable, Sendable {
    /// The environment variable of the reply delay.
    public static let delayVariable = "BARRAGE_BUILTIN_DELAY"
    /// The environment variable of the loop stall.
    public static let stallVariable = "BARRAGE_BUILTIN_STALL"

    /// Every reply this long after its request arrived (ns); nil = at once.
    public var replyDelayNs: UInt64?
    /// The loop freezes for `durationNs` every `periodNs`; nil = never.
    public var stall: (durationNs: UInt64, periodNs: UInt64)?

    /// No knob set: the plain server.
    public init(replyDelayNs: UInt64? = nil, stall: (durationNs: UInt64, periodNs: UInt64)? = nil) {
        self.replyDelayNs = replyDelayNs
        self.stall = stall
    }

    public static func == (a: BuiltinKnobs, b: BuiltinKnobs) -> Bool {
        a.replyDelayNs == b.replyDelayNs && a.stall?.durationNs == b.stall?.durationNs
            && a.stall?.periodNs == b.stall?.periodNs
    }

    /// Why a knob's value is unusable; the text names the variable and says what it takes.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The knobs set in `environment`; throws a `Problem` for a value that is not a duration
    /// (or a stall not shorter than its period).
    public static func from(environment: [String: String]) throws -> BuiltinKnobs {
        var knobs = BuiltinKnobs()
        if let text = environment[delayVariable] {
            guard let delay = duration(text), delay > 0 else {
                throw Problem(description: "\(delayVariable) must be a duration such as 5ms, got '\(text)'")
            }
            knobs.replyDelayNs = delay
        }
        if let text = environment[stallVariable] {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let stall = duration(parts[0]), let period = duration(parts[1]),
                stall > 0, period > stall
            else {
                throw Problem(
                    description:
                        "\(stallVariable) must be STALL/PERIOD with the stall shorter than the period, such as 100ms/1s, got '\(text)'"
                )
            }
            knobs.stall = (stall, period)
        }
        return knobs
    }

    /// Nanoseconds of "250us", "5ms", "1.5s"; nil if it is not one of those.
    static func duration(_ text: some StringProtocol) -> UInt64? {
        let trimmed = text.trimmingWhitespace
        let units: [(suffix: String, ns: Double)] = [("us", 1e3), ("ms", 1e6), ("s", 1e9)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let value = Double(trimmed.dropLast(unit.suffix.count)), value.isFinite, value >= 0,
                value * unit.ns < 1e15
            else { return nil }
            return UInt64((value * unit.ns).rounded())
        }
        return nil
    }
}

private extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
