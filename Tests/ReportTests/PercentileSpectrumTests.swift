import Metrics
import Testing

@testable import Report

@Suite struct PercentileSpectrumTests {
    /// 1 µs to 1,000 µs, one request each: the value at quantile q is 1,000 q.
    static let uniform: LatencyHistogram = {
        var histogram = LatencyHistogram()
        for value in 1...1_000 { histogram.record(microseconds: UInt64(value)) }
        return histogram
    }()

    @Test func aUniformHistogramReadsItsOwnQuantiles() throws {
        let spectrum = PercentileSpectrum(Self.uniform)
        // Ten points a decade from 1/(1−q) = 1 up to 1,000: the 1,000 values tell no higher quantile apart.
        #expect(spectrum.points.count == 31)
        #expect(spectrum.points.first == .init(quantile: 0, microseconds: 1))
        let byPosition = Self.atPositions(spectrum)
        #expect(byPosition[10] == 900)
        #expect(byPosition[100] == 990)
        // The curve ends at the largest value, at 99.9 %.
        let last = try #require(spectrum.points.last)
        #expect(abs(last.quantile - 0.999) < 1e-9)
        #expect(last.microseconds == 1_000)
        // Latency never falls as the quantile rises.
        #expect(zip(spectrum.points, spectrum.points.dropFirst()).allSatisfy { $0.microseconds <= $1.microseconds })
    }

    @Test func aLargeHistogramReachesTheFiveNinesAndItsTail() throws {
        // 999,000 fast requests and 1,000 slow ones: the tail starts at 99.9 %.
        var histogram = LatencyHistogram()
        histogram.record(microseconds: 200, count: 999_000)
        histogram.record(microseconds: 50_000, count: 1_000)
        let spectrum = PercentileSpectrum(histogram)
        #expect(spectrum.points.count == 51)
        let last = try #require(spectrum.points.last)
        #expect(abs(last.quantile - PercentileSpectrum.highestQuantile) < 1e-12)
        let at = Self.atPositions(spectrum)
        #expect(at[100] == 200)
        // HdrHistogram reports a bucket's highest equivalent value: 50,000 µs lies in a 32 µs wide bucket.
        #expect((50_000...50_032).contains(at[10_000] ?? 0))
        #expect(at[1_000] == 200)
    }

    /// Latency at the points whose 1/(1−q) is a power of ten (within rounding).
    static func atPositions(_ spectrum: PercentileSpectrum) -> [Int: UInt64] {
        var found: [Int: UInt64] = [:]
        for position in [10, 100, 1_000, 10_000, 100_000] {
            if let point = spectrum.points.first(where: { abs($0.position - Double(position)) < 1e-6 * Double(position) }) {
                found[position] = point.microseconds
            }
        }
        return found
    }

    @Test func anEmptyHistogramHasNoSpectrum() {
        #expect(PercentileSpectrum(LatencyHistogram()).points.isEmpty)
    }
}
