/// A stretch of the measurement window in which a load generator had calls outstanding and
/// received nothing from the server, its own loop awake all the while: a server pause as one
/// client saw it. Microseconds from the worker's window-opening mark, so spans of different
/// workers and hosts line up by the window, not by their clocks.
public struct PauseSpan: Codable, Sendable, Equatable {
    /// Where it began, µs from the window's opening mark.
    public var startUs: UInt64
    /// Where it ended (the first byte from the server, or the end of the window).
    public var endUs: UInt64

    public init(startUs: UInt64, endUs: UInt64) {
        self.startUs = startUs
        self.endUs = endUs
    }

    /// Its length, µs.
    public var lengthUs: UInt64 { endUs > startUs ? endUs - startUs : 0 }

    enum CodingKeys: String, CodingKey {
        case startUs = "start_us"
        case endUs = "end_us"
    }

    /// The stretches every one of `lists` holds (each list sorted and without overlaps), at
    /// least `minimumUs` long: what every client saw. A server pause silences every client;
    /// a stretch only some saw was their own (a slow connection, a stalled loop). No lists: none.
    public static func common(_ lists: [[PauseSpan]], minimumUs: UInt64) -> [PauseSpan] {
        guard var common = lists.first else { return [] }
        for other in lists.dropFirst() {
            var both: [PauseSpan] = []
            var left = 0
            var right = 0
            while left < common.count, right < other.count {
                let start = max(common[left].startUs, other[right].startUs)
                let end = min(common[left].endUs, other[right].endUs)
                if end > start { both.append(PauseSpan(startUs: start, endUs: end)) }
                if common[left].endUs < other[right].endUs { left += 1 } else { right += 1 }
            }
            common = both
        }
        return common.filter { $0.lengthUs >= minimumUs }
    }
}
