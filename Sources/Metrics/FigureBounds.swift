/// The largest figures a node file or a worker's message may hold: far beyond any real run
/// (a day's window at 10^9 requests a second counts under 2^47), yet small enough that
/// adding every worker's never overflows. A damaged file or a confused worker is refused,
/// by the figure's name, instead of trapping the coordinator or `report`.
public enum FigureBounds {
    /// Requests, errors, sends, histogram counts: 2^53.
    public static let maximumCount: UInt64 = 1 << 53
    /// One histogram's latencies added (µs): 2^54, so a thousand files' add up below 2^64.
    public static let maximumLatencySumMicroseconds: UInt64 = 1 << 54
    /// RSS and memory peaks: 1 PiB.
    public static let maximumBytes: UInt64 = 1 << 50
    /// A measurement window: 2 days (the longest cell is 24 hours); a report has a point per second of it.
    public static let maximumWindowMs: UInt64 = 2 * 86_400_000
    /// Connections, threads, cores, samples, intervals.
    public static let maximumQuantity = 1 << 24
    /// CPU seconds and cores.
    public static let maximumSeconds = 1e12

    /// `value`, or a decoding error that names `key` when it is above `limit`.
    public static func checked<Key: CodingKey>(
        _ value: UInt64, atMost limit: UInt64, _ key: Key, in container: KeyedDecodingContainer<Key>
    ) throws -> UInt64 {
        guard value <= limit else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(value) is above \(limit): no worker measures that much")
        }
        return value
    }

    /// `value`, or a decoding error that names `key` when it is outside `0...limit`.
    public static func checked<Key: CodingKey>(
        _ value: Int, atMost limit: Int = maximumQuantity, _ key: Key, in container: KeyedDecodingContainer<Key>
    ) throws -> Int {
        guard (0...limit).contains(value) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(value) is outside 0...\(limit)")
        }
        return value
    }

    /// `value`, or a decoding error that names `key` when it is not a finite number in `0...limit`.
    public static func checked<Key: CodingKey>(
        _ value: Double, atMost limit: Double = maximumSeconds, _ key: Key, in container: KeyedDecodingContainer<Key>
    ) throws -> Double {
        guard value.isFinite, (0...limit).contains(value) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(value) is not a number in 0...\(limit)")
        }
        return value
    }

    /// The values of `counts` added, or a decoding error naming `key` when the sum passes `maximumCount`.
    public static func checkedSum<Key: CodingKey>(
        _ counts: some Sequence<UInt64>, _ key: Key, in container: KeyedDecodingContainer<Key>
    ) throws -> UInt64 {
        var total: UInt64 = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { return try checked(UInt64.max, atMost: maximumCount, key, in: container) }
            total = sum
        }
        return try checked(total, atMost: maximumCount, key, in: container)
    }
}
