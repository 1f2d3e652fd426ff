import Foundation

/// Where one chart axis starts and ends, and the values it labels.
///
/// The domain is rounded out to tick values so the data never touches an unlabelled edge:
/// 1, 2 or 5 × 10ⁿ steps on a linear axis, whole decades on a log axis.
public struct AxisTicks: Sendable, Equatable {
    /// The lowest value the axis shows.
    public var lower: Double
    /// The highest value the axis shows.
    public var upper: Double
    /// The labelled values, ascending, all within `lower...upper`.
    public var values: [Double]

    /// Creates ticks as given; see `linear(_:_:count:)` and `log(_:_:)` for the usual ones.
    public init(lower: Double, upper: Double, values: [Double]) {
        self.lower = lower
        self.upper = upper
        self.values = values
    }

    /// About `count` evenly spaced ticks covering `low...high` with a step of 1, 2 or 5 × 10ⁿ.
    /// An empty range (one value) is widened to show that value in the middle of a step.
    public static func linear(_ low: Double, _ high: Double, count: Int = 5) -> AxisTicks {
        var low = low.isFinite ? low : 0
        var high = high.isFinite ? high : 1
        if low > high { swap(&low, &high) }
        if high == low {
            // A flat series still needs an axis: one unit either side (or 0...1 at zero).
            let pad = low == 0 ? 1 : abs(low) * 0.5
            high += pad
            low = low >= 0 && low - pad < 0 ? 0 : low - pad
        }
        let step = niceStep((high - low) / Double(max(1, count)))
        let lower = (low / step).rounded(.down) * step
        let upper = (high / step).rounded(.up) * step
        var values: [Double] = []
        var index = 0.0
        // Multiply rather than add up, so 0.1 steps do not drift to 0.30000000000000004.
        while lower + index * step <= upper + step * 1e-9 {
            values.append(cleaned(lower + index * step, step: step))
            index += 1
        }
        return AxisTicks(lower: cleaned(lower, step: step), upper: cleaned(upper, step: step), values: values)
    }

    /// Decades covering `low...high` (both clamped to positive values). Up to two decades
    /// also label 2 and 5 × 10ⁿ, so a short axis still has more than two ticks.
    public static func log(_ low: Double, _ high: Double) -> AxisTicks {
        let smallest = Double.leastNormalMagnitude
        var low = low.isFinite && low > 0 ? low : smallest
        var high = high.isFinite && high > 0 ? high : max(low, 1)
        if low > high { swap(&low, &high) }
        var lowerExponent = Foundation.log10(low).rounded(.down)
        var upperExponent = Foundation.log10(high).rounded(.up)
        // Values that sit a hair off a power of ten (floating error) must not add a decade.
        if pow(10, lowerExponent + 1) <= low * (1 + 1e-9) { lowerExponent += 1 }
        if pow(10, upperExponent - 1) >= high * (1 - 1e-9) { upperExponent -= 1 }
        if upperExponent <= lowerExponent { upperExponent = lowerExponent + 1 }
        let decades = Int(upperExponent - lowerExponent)
        var values: [Double] = []
        for exponent in Int(lowerExponent)...Int(upperExponent) {
            let decade = pow(10, Double(exponent))
            values.append(decade)
            if decades <= 2 && exponent < Int(upperExponent) {
                values += [2 * decade, 5 * decade]
            }
        }
        return AxisTicks(lower: pow(10, lowerExponent), upper: pow(10, upperExponent), values: values)
    }

    /// The 1, 2 or 5 × 10ⁿ at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let decade = pow(10, Foundation.log10(rough).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * decade >= rough * (1 - 1e-9) {
            return factor * decade
        }
        return 10 * decade
    }

    /// `value` rounded to the step's precision: tick labels must read "0.3", not "0.30000000000000004".
    static func cleaned(_ value: Double, step: Double) -> Double {
        let scale = pow(10, max(0, -Foundation.log10(step).rounded(.down) + 2))
        let rounded = (value * scale).rounded() / scale
        return rounded == 0 ? 0 : rounded
    }
}
