/// The median and range of one figure over the repeats of a (system, connections) pair.
///
/// The median of an even count is the lower of the middle two, not their mean: it is then
/// always a figure one repeat actually measured (as `rss_sustained_bytes` is one sample),
/// and integer figures such as latencies need no rounding. With two repeats it is the
/// smaller one; the range shows the other.
public struct Spread<Value: Comparable & Sendable & Codable>: Sendable, Equatable, Codable {
    /// The middle value; for an even count, the lower of the middle two.
    public var median: Value
    /// The smallest value.
    public var min: Value
    /// The largest value.
    public var max: Value
    /// How many values the spread was taken over.
    public var count: Int

    /// The spread of `values`; nil when there is none.
    public init?(_ values: [Value]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        median = sorted[(sorted.count - 1) / 2]
        min = sorted[0]
        max = sorted[sorted.count - 1]
        count = sorted.count
    }

    /// Whether there is a range to show: two or more values.
    public var hasRange: Bool { count > 1 }
}
