import Histogram

/// Request latencies in microseconds, 3 significant digits, mergeable by adding.
///
/// Wraps HdrHistogram so that callers never see its bucket layout; every histogram
/// Barrage makes has the same layout, which is what makes `add` lossless.
///
/// A histogram that records covers the whole hour up front, so recording never resizes (a
/// resize is HdrHistogram's unspecialized generic path: milliseconds, on a load thread).
/// A decoded one covers only up to its largest value: the layout — bucket boundaries —
/// depends only on the lowest value and the digits, so it still adds losslessly to and from
/// full-range ones, and it grows (auto-resize) in the rare `add` of a larger one. A
/// coordinator holds one decoded histogram per worker and per second of each worker's window
/// until the cell's files are written; one whose latencies stay under 2 ms takes 2,048 counts
/// (16 KiB) instead of 23,552 (184 KiB).
public struct LatencyHistogram: Sendable, Equatable {
    /// Latencies above this are clamped to it (one hour): a stuck request is still counted.
    public static let highestTrackableMicroseconds: UInt64 = 3_600_000_000

    @usableFromInline var storage: Histogram<UInt64>

    /// An empty histogram covering every latency up to the hour.
    public init() {
        storage = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Self.highestTrackableMicroseconds,
            numberOfSignificantValueDigits: .three)
    }

    /// An empty histogram covering latencies up to `largest` µs (at least its first bucket),
    /// growing when a larger one is added.
    init(coveringUpTo largest: UInt64) {
        storage = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Swift.max(2, Swift.min(largest, Self.highestTrackableMicroseconds)),
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

    /// Whether the sum with `other` stays readable: its count within `FigureBounds.maximumCount`
    /// and its count × largest value within 2^60 (HdrHistogram adds count × value in a UInt64
    /// whenever it iterates, for percentiles too; a few such sums may still be added). Only a
    /// sum that adds seconds without end (a worker repeating itself) can fail it.
    public func canAdd(_ other: LatencyHistogram) -> Bool {
        let (total, overflow) = count.addingReportingOverflow(other.count)
        let (latencies, overflowed) = total.multipliedReportingOverflow(by: Swift.max(max, other.max) * 2)
        return !overflow && total <= FigureBounds.maximumCount && !overflowed && latencies <= 1 << 60
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
        let pairs = try container.decode([[UInt64]].self, forKey: .buckets)
        guard pairs.allSatisfy({ $0.count == 2 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .buckets, in: container, debugDescription: "a bucket is [value, count]")
        }
        // Every count is added over the workers: past 2^53 together they could overflow.
        _ = try FigureBounds.checkedSum(pairs.map { $0[1] }, .buckets, in: container)
        // HdrHistogram adds count × value in a UInt64 for the mean and percentiles; bounded
        // per file, every worker's and second's added stays far from overflowing (found by
        // NodeFileMutationTests: 2^53 counts at an hour each trapped `report`).
        var latencySum: UInt64 = 0
        for pair in pairs {
            let value = Swift.min(pair[0], Self.highestTrackableMicroseconds) * 2
            let (product, overflowed) = value.multipliedReportingOverflow(by: pair[1])
            let (sum, overflow) = latencySum.addingReportingOverflow(product)
            guard !overflowed, !overflow, sum <= FigureBounds.maximumLatencySumMicroseconds else {
                throw DecodingError.dataCorruptedError(
                    forKey: .buckets, in: container,
                    debugDescription: "the latencies add up to more than \(FigureBounds.maximumLatencySumMicroseconds) µs")
            }
            latencySum = sum
        }
        // Sized once for the largest value, so recording the buckets never resizes.
        self.init(coveringUpTo: pairs.map { $0[0] }.max() ?? 0)
        for pair in pairs { record(microseconds: pair[0], count: pair[1]) }
    }
}
