import Foundation
import Metrics

/// The latency percentile spectrum of one histogram, as HdrHistogram plots it: latency
/// against percentile, the percentile placed on a log scale of 1 / (1 − q) so the tail
/// (99 %, 99.9 %, 99.99 %, 99.999 %) gets as much room as the body.
public struct PercentileSpectrum: Sendable, Equatable {
    /// One point: a quantile and the latency at or under which that share of requests completed.
    public struct Point: Sendable, Equatable {
        /// The quantile q, 0 ≤ q < 1 (0.99 is p99).
        public var quantile: Double
        /// The latency at q, µs.
        public var microseconds: UInt64

        /// Where the point sits on the spectrum's x axis: 1 / (1 − q), 1 for q = 0.
        public var position: Double { 1 / (1 - quantile) }
    }

    /// The highest quantile drawn: 99.999 %.
    public static let highestQuantile = 0.99999
    /// Points per decade of 1 / (1 − q): enough for a smooth curve.
    public static let pointsPerDecade = 10

    /// The points, by ascending quantile; empty for an empty histogram.
    public var points: [Point]

    /// The spectrum of `histogram`: quantiles 1 − 10^(−k/10) from 0 up to 99.999 %, but no
    /// further than the histogram can tell apart — with N values the quantiles beyond
    /// 1 − 1/N all read the maximum, so the curve ends there, at the maximum.
    public init(_ histogram: LatencyHistogram) {
        guard histogram.count > 0 else {
            points = []
            return
        }
        let reach = min(1 / (1 - Self.highestQuantile), Double(histogram.count))
        // A hair of slack: log10(1000) may come out as 2.9999999999999996.
        let steps = Int((Foundation.log10(reach) * Double(Self.pointsPerDecade) + 1e-9).rounded(.down))
        var points: [Point] = []
        for step in 0...max(0, steps) {
            let position = pow(10, Double(step) / Double(Self.pointsPerDecade))
            let quantile = 1 - 1 / position
            // Rounded so that 1 − 1/10 asks for p90, not p90.00000000000001 (the next value up).
            let percentile = (quantile * 100 * 1e9).rounded() / 1e9
            points.append(Point(quantile: quantile, microseconds: histogram.value(atPercentile: percentile)))
        }
        let last = 1 - 1 / reach
        if let final = points.last, final.quantile < last - 1e-12 {
            points.append(Point(quantile: last, microseconds: histogram.max))
        } else if !points.isEmpty {
            points[points.count - 1].microseconds = max(points[points.count - 1].microseconds, histogram.max)
        }
        self.points = points
    }

    /// A spectrum axis tick as its percentile reads: 1 → "0%", 10 → "90%", 1000 → "99.9%".
    public static func percentileLabel(position: Double) -> String {
        guard position > 1 else { return "0%" }
        let percent = (1 - 1 / position) * 100
        // Enough decimals to show the nines: 99.999 has three.
        let decimals = max(0, Int(Foundation.log10(position).rounded()) - 2)
        var text = FigureFormat.decimal(percent, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + "%"
    }
}
