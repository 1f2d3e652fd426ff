import Foundation
import Metrics
import SeededRandom
import Testing

@Suite struct LatencyHistogramTests {
    static let percentiles: [Double] = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

    /// `count` latencies from `seed`, recorded into a fresh histogram.
    static func histogram(seed: UInt64, count: Int) -> (LatencyHistogram, [UInt64]) {
        var generator = SeededGenerator(seed: seed)
        var histogram = LatencyHistogram()
        let values = (0..<count).map { _ in generator.latency() }
        for value in values { histogram.record(microseconds: value) }
        return (histogram, values)
    }

    @Test func addIsAssociativeAndCommutative() {
        let (a, _) = Self.histogram(seed: 1, count: 2_000)
        let (b, _) = Self.histogram(seed: 2, count: 3_000)
        let (c, _) = Self.histogram(seed: 3, count: 500)

        var abThenC = a
        abThenC.add(b)
        abThenC.add(c)
        var bc = b
        bc.add(c)
        var aThenBC = a
        aThenBC.add(bc)
        var cba = c
        cba.add(b)
        cba.add(a)

        #expect(abThenC == aThenBC)
        #expect(abThenC == cba)
        #expect(abThenC.buckets.elementsEqual(aThenBC.buckets) { $0 == $1 })
        #expect(abThenC.buckets.elementsEqual(cba.buckets) { $0 == $1 })
        #expect(abThenC.count == 5_500)
    }

    @Test func mergedPercentilesEqualThoseOfOneHistogramOfAllValues() {
        var merged = LatencyHistogram()
        var all = LatencyHistogram()
        for seed in UInt64(10)..<UInt64(14) {
            let (part, values) = Self.histogram(seed: seed, count: 2_500)
            merged.add(part)
            for value in values { all.record(microseconds: value) }
        }
        #expect(merged.count == 10_000)
        for percentile in Self.percentiles {
            #expect(merged.value(atPercentile: percentile) == all.value(atPercentile: percentile), "p\(percentile)")
        }
        #expect(merged.min == all.min)
        #expect(merged.max == all.max)
        #expect(merged.mean == all.mean)
        #expect(LatencySummary(merged) == LatencySummary(all))
    }

    @Test func valuesSpanMicrosecondsToSeconds() {
        let (histogram, values) = Self.histogram(seed: 7, count: 10_000)
        #expect(values.min()! < 10)
        #expect(values.max()! > 1_000_000)
        // 3 significant digits: every reading is within 0.1 % of the truth.
        let exactMedian = values.sorted()[values.count / 2 - 1]
        let median = histogram.value(atPercentile: 50)
        #expect(abs(Double(median) - Double(exactMedian)) <= Double(exactMedian) * 0.001 + 1)
    }

    /// Encodes and decodes `histogram` as a node file would.
    static func roundTrip(_ histogram: LatencyHistogram) throws -> LatencyHistogram {
        try JSONDecoder().decode(LatencyHistogram.self, from: JSONEncoder().encode(histogram))
    }

    @Test func codableRoundTripPreservesCountBucketsAndFigures() throws {
        let (original, _) = Self.histogram(seed: 42, count: 5_000)
        let decoded = try Self.roundTrip(original)

        #expect(decoded == original)
        #expect(decoded.count == original.count)
        #expect(decoded.max == original.max)
        #expect(decoded.mean == original.mean)
        #expect(decoded.min == original.min)  // holds here: the smallest value is below 2048 µs, exact buckets
        for percentile in Self.percentiles {
            let before = Double(original.value(atPercentile: percentile))
            let after = Double(decoded.value(atPercentile: percentile))
            // Always the same bucket: 3 significant digits.
            #expect(abs(after - before) <= before * 0.001, "p\(percentile)")
        }
        for percentile in Self.percentiles where percentile <= 99.9 {
            #expect(decoded.value(atPercentile: percentile) == original.value(atPercentile: percentile), "p\(percentile)")
        }
    }

    /// HdrHistogram answers `min`, p0 and percentiles in the top bucket with the raw extreme
    /// values it saw; the encoding carries them in the first and last bucket.
    @Test(arguments: [[1_234_567], [1_234_567, 1_234_600], [3, 1_234_567], [5, 5, 5]] as [[UInt64]])
    func codableRoundTripKeepsRawExtremes(values: [UInt64]) throws {
        var original = LatencyHistogram()
        for value in values { original.record(microseconds: value) }
        let decoded = try Self.roundTrip(original)
        #expect(decoded.max == original.max)
        #expect(decoded.min == original.min)
        #expect(decoded.count == original.count)
        for p in [0.0, 50, 99.99, 100] {
            #expect(decoded.value(atPercentile: p) == original.value(atPercentile: p))
        }
    }

    @Test func encodingIsSparse() throws {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 100, count: 3)
        histogram.record(microseconds: 2_000_000)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(histogram)) as? [String: Any])
        #expect(Set(object.keys) == ["unit", "significant_digits", "count", "buckets"])
        #expect(object["unit"] as? String == "us")
        #expect((object["buckets"] as? [[UInt64]])?.count == 2)
    }

    @Test func hugeValuesAreClampedNotDropped() {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: .max)
        histogram.record(microseconds: LatencyHistogram.highestTrackableMicroseconds * 10, count: 2)
        #expect(histogram.count == 3)
        let ceiling = Double(LatencyHistogram.highestTrackableMicroseconds)
        // Bucket-equivalent: within the 0.1 % of 3 significant digits of the ceiling.
        #expect(Double(histogram.max) >= ceiling * 0.999)
        #expect(Double(histogram.max) <= ceiling * 1.001)
        #expect(Double(histogram.value(atPercentile: 50)) <= ceiling * 1.001)
    }

    @Test func emptyHistogramGivesZeros() {
        let empty = LatencyHistogram()
        #expect(empty.count == 0)
        #expect(empty.min == 0)
        #expect(empty.max == 0)
        #expect(empty.mean == 0)
        #expect(empty.value(atPercentile: 99) == 0)
        let summary = LatencySummary(empty)
        #expect(
            [summary.min, summary.p50, summary.p90, summary.p95, summary.p99, summary.p999, summary.max]
                .allSatisfy { $0 == 0 })
        #expect(summary.mean == 0)
    }

    @Test func recordingZeroTimesRecordsNothing() {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 500, count: 0)
        #expect(histogram == LatencyHistogram())
    }

    @Test func resetForgetsEverything() {
        var (histogram, _) = Self.histogram(seed: 5, count: 100)
        histogram.reset()
        #expect(histogram == LatencyHistogram())
    }
    /// A decoded histogram's counts cover its largest value, not the whole hour: a coordinator
    /// holds one per worker and per second of its window, most of its memory at hundreds of
    /// workers. One that records covers the hour, so recording never resizes.
    @Test func decodedCountsCoverTheLargestValueOnly() throws {
        var fast = LatencyHistogram()
        for value in UInt64(1)...2_000 { fast.record(microseconds: value) }
        let decoded = try Self.roundTrip(fast)
        #expect(decoded == fast)
        #expect(decoded.footprintBytes < 20 * 1024, "\(decoded.footprintBytes) bytes for latencies under 2 ms")
        #expect(fast.footprintBytes > 150 * 1024, "\(fast.footprintBytes) bytes recording from the start")
        // It grows when something larger is added, and every bucket keeps its count.
        var grown = decoded
        var slow = LatencyHistogram()
        slow.record(microseconds: 3_000_000_000)
        grown.add(slow)
        #expect(grown.count == fast.count + 1)
        #expect(grown.buckets.dropLast().elementsEqual(fast.buckets) { $0 == $1 })
        #expect(grown.max == slow.max)
    }

    /// A short histogram added into a long one and the other way round give the same counts,
    /// and so does decoding a file whose buckets are not in ascending order.
    @Test func histogramsOfDifferentLengthsAddAndDecodeLosslessly() throws {
        var recorded = LatencyHistogram()
        for value in [3, 40, 500, 1_999] as [UInt64] { recorded.record(microseconds: value, count: 7) }
        let short = try Self.roundTrip(recorded)
        var long = LatencyHistogram()
        for value in [10, 90_000, 4_000_000, 3_600_000_000 * 2] as [UInt64] { long.record(microseconds: value) }
        var shortThenLong = short
        shortThenLong.add(long)
        var longThenShort = long
        longThenShort.add(short)
        #expect(shortThenLong == longThenShort)
        #expect(shortThenLong.count == 32)
        #expect(shortThenLong.max >= LatencyHistogram.highestTrackableMicroseconds * 999 / 1000)
        #expect(shortThenLong.value(atPercentile: 50) == 500)

        let shuffled = #"{"unit":"us","significant_digits":3,"count":4,"buckets":[[500,1],[4000000,1],[3,1],[90000,1]]}"#
        let decoded = try JSONDecoder().decode(LatencyHistogram.self, from: Data(shuffled.utf8))
        var expected = LatencyHistogram()
        for value in [3, 500, 90_000, 4_000_000] as [UInt64] { expected.record(microseconds: value) }
        #expect(decoded == expected)
        #expect(decoded.max == expected.max)
    }
}

/// The compressed V2 encoding of HdrHistogram interval logs (`logEncoded`).
@Suite struct LatencyHistogramLogEncodingTests {
    @Test func aHistogramSurvivesItsEncodingBucketForBucket() throws {
        let (original, _) = LatencyHistogramTests.histogram(seed: 7, count: 5_000)
        let text = original.logEncoded
        #expect(text.hasPrefix("HISTF"), "the compressed V2 cookie 0x1c849314 reads HISTF in base64")
        let decoded = try #require(LatencyHistogram(logEncoded: text))
        #expect(decoded.count == original.count)
        // The same bucket (3 significant digits): the encoding keeps buckets, not exact extremes.
        for percentile in LatencyHistogramTests.percentiles {
            let (a, b) = (decoded.value(atPercentile: percentile), original.value(atPercentile: percentile))
            #expect(max(a, b) - min(a, b) <= max(a, b) / 1_000, "p\(percentile): \(a) against \(b)")
        }
        // Bucket for bucket: the same counts at the same bucket boundaries.
        #expect(decoded.buckets.map(\.count) == original.buckets.map(\.count))
    }

    @Test func emptyAndExtremeHistogramsSurvive() throws {
        let empty = try #require(LatencyHistogram(logEncoded: LatencyHistogram().logEncoded))
        #expect(empty.count == 0)
        var extremes = LatencyHistogram()
        extremes.record(microseconds: 1)
        extremes.record(microseconds: 2_047)
        extremes.record(microseconds: 2_048)
        extremes.record(microseconds: LatencyHistogram.highestTrackableMicroseconds, count: 3)
        let decoded = try #require(LatencyHistogram(logEncoded: extremes.logEncoded))
        #expect(decoded.count == 6)
        #expect(decoded.buckets.map(\.count) == extremes.buckets.map(\.count))
        #expect(decoded.value(atPercentile: 10) == 1)
        #expect(decoded.max >= LatencyHistogram.highestTrackableMicroseconds - 2_000_000)
    }

    @Test func damagedTextIsRefused() {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 300, count: 10)
        var bytes = Array(histogram.logEncoded.utf8)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(LatencyHistogram(logEncoded: String(decoding: bytes, as: UTF8.self)) == nil, "the Adler-32 check fails")
        #expect(LatencyHistogram(logEncoded: "not base64!") == nil)
        #expect(LatencyHistogram(logEncoded: "") == nil)
    }

    @Test func aSecondIsSmallOnTheWire() {
        // 5,000 calls spread over 1–20 ms: a busy second's histogram.
        let (histogram, _) = LatencyHistogramTests.histogram(seed: 3, count: 5_000)
        #expect(histogram.logEncoded.utf8.count < 8_192, "\(histogram.logEncoded.utf8.count) bytes")
    }
}
