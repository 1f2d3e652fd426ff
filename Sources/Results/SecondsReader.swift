import Metrics

/// A client's seconds read back from its interval log, in order, one at a time, so a day's
/// window is never held whole: `IteratorProtocol` over `ClientInterval`. Lines may be out of
/// order by a little (threads hand seconds over at their own pace); a missing second reads
/// as an empty one.
public struct SecondsReader: IteratorProtocol, Sequence {
    private let file: LineFile?
    private var parser = IntervalLog.Parser()
    private var nextSecond = 0
    /// Seconds read ahead of `nextSecond`.
    private var ahead: [Int: ClientInterval] = [:]
    private var ended = false

    /// The seconds of the log at `path` (none when it cannot be read).
    public init(path: String) {
        file = LineFile(path: path)
        ended = file == nil
    }

    /// Lines read so far that held data but could not be used (see `IntervalLog.Parser`).
    public var refusedLines: Int { parser.refusedLines }

    public mutating func next() -> ClientInterval? {
        while ahead[nextSecond] == nil, !ended {
            guard let line = file?.next() else {
                ended = true
                break
            }
            guard let interval = parser.feed(line), interval.second >= nextSecond else { continue }
            if let earlier = ahead[interval.second] {
                // The same second twice (a worker's late events): both count.
                var sum = earlier
                sum.add(interval)
                ahead[interval.second] = sum
            } else {
                ahead[interval.second] = interval
            }
        }
        if let found = ahead.removeValue(forKey: nextSecond) {
            nextSecond += 1
            return found
        }
        guard !ahead.isEmpty else { return nil }
        defer { nextSecond += 1 }
        return ClientInterval(second: nextSecond, counts: IntervalCounts())
    }
}
