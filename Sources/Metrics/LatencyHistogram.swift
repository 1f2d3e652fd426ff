import Histogram

/// Request latencies in microseconds, 3 significant digits, mergeable by adding.
///
/// Wraps HdrHistogram so that callers never see its bucket layout; every histogram
/// Barrage makes has the same layout, which is what makes `add` lossless.
///
/// The counts grow with the largest value recorded (HdrHistogram's auto-resize) instead of
/// covering the whole hour up front: the layout — bucket boundaries — depends only on the
/// lowest value and the digits, so histograms of different lengths still add losslessly, and
/// one whose latencies stay under 2 ms holds 2,048 counts (16 KiB) instead of 23,552 (184 KiB).
/// A coordinator keeps one per worker plus one per second of each worker's window until the
/// cell's files are written, so this is most of its memory at hundreds of workers.
public struct LatencyHistogram: Sendable, Equatable {
    /// Latencies above this are clamped to it (one hour): a stuck request is still counted.
    public static let highestTrackableMicroseconds: UInt64 = 3_600_000_000

    @usableFromInline var storage: Histogram<UInt64>

    /// An empty histogram.
    public init() {
        // 2 is the smallest range HdrHistogram takes; it still allocates its first bucket
        // (0–2,047 µs at unit resolution). Recording clamps at the hour, so growth stops there.
        storage = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: 2,
            numberOfSignificantValueDigits: .three)
        storage.autoResize = true
    }

    /// Records one latency. Values outside the trackable range are clamped, never dropped.
    @inlinable
    public mutating func record(microseconds: UInt64) {
        _ = storage.record(Swift.min(microseconds, Self.highestTrackableMicroseconds))
    }

    /// Records `count` occurrences of one latency.
    @inlinable
    public mutating func record(microseconds: UInt64, count: UInt64) {
        guard count > 0 else { return }
        _ = storage.record(Swift.min(microseconds, Self.highestTrackableMicroseconds), count: count)
    }

    /// Adds every count of `other` into this one (associative and commutative).
    public mutating func add(_ other: LatencyHistogram) {
        storage.add(other.storage)
    }

    /// Forgets every recorded value.
    public mutating func reset() {
        storage.reset()
    }

    /// Bytes this histogram's counts take (they grow with the largest value recorded).
    public var footprintBytes: Int { storage.estimatedFootprintInBytes }

    /// Number of recorded values.
    public var count: UInt64 { storage.totalCount }

    /// The value at `percentile` (0...100), 0 when empty.
    public func value(atPercentile percentile: Double) -> UInt64 {
        count == 0 ? 0 : storage.valueAtPercentile(percentile)
    }

    /// Smallest recorded value (bucket-equivalent), 0 when empty.
    public var min: UInt64 { count == 0 ? 0 : storage.min }

    /// Largest recorded value (bucket-equivalent), 0 when empty.
    public var max: UInt64 { count == 0 ? 0 : storage.max }

    /// Mean of recorded values, 0 when empty.
    public var mean: Double { count == 0 ? 0 : storage.mean }

    /// Non-empty buckets as (a value inside the bucket, its count); recording these
    /// into an empty histogram rebuilds exactly the same buckets. The first and last
    /// bucket carry the exact smallest and largest values recorded, so min, max and the
    /// extreme percentiles (which HdrHistogram reads from them) survive a round trip.
    public var buckets: [(value: UInt64, count: UInt64)] {
        var pairs = storage.recordedValues().map { (value: $0.value, count: UInt64($0.count)) }
        // `min` and `maxRecorded` are the raw extremes (`max` is already bucket-rounded).
        if pairs.count == 1, pairs[0].count > 1, storage.min != storage.maxRecorded {
            // One bucket holding both extremes: split it so each survives.
            pairs = [(storage.min, 1), (storage.maxRecorded, pairs[0].count - 1)]
        } else if !pairs.isEmpty {
            pairs[0].value = storage.min
            pairs[pairs.count - 1].value = storage.maxRecorded
        }
        return pairs
    }

    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.count == rhs.count && lhs.buckets.elementsEqual(rhs.buckets) { $0 == $1 }
    }
}

extension LatencyHistogram: Codable {
    private enum CodingKeys: String, CodingKey {
        case unit, significantDigits = "significant_digits", count, buckets
    }

    /// Encoded sparsely: `{"unit":"us","significant_digits":3,"count":N,"buckets":[[value,count],…]}`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("us", forKey: .unit)
        try container.encode(3, forKey: .significantDigits)
        try container.encode(count, forKey: .count)
        try container.encode(buckets.map { [$0.value, $0.count] }, forKey: .buckets)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        let pairs = try container.decode([[UInt64]].self, forKey: .buckets)
        guard pairs.allSatisfy({ $0.count == 2 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .buckets, in: container, debugDescription: "a bucket is [value, count]")
        }
        // The largest value first, so the counts grow once rather than bucket by bucket.
        guard let largest = pairs.indices.max(by: { pairs[$0][0] < pairs[$1][0] }) else { return }
        record(microseconds: pairs[largest][0], count: pairs[largest][1])
        for index in pairs.indices where index != largest {
            record(microseconds: pairs[index][0], count: pairs[index][1])
        }
    }
}
