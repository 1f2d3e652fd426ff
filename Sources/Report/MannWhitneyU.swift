import Foundation

/// The Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples, two-sided:
/// how likely a difference at least this large between their ranks is if both came from
/// one distribution. What `compare` uses, like benchstat, to tell a real change from noise.
///
/// Exact (the U distribution counted) when neither sample has ties and both have at most
/// `exactLimit` values; otherwise the normal approximation with tie correction and
/// continuity correction. The tests reproduce SciPy's `mannwhitneyu` with `method="exact"`
/// and `method="asymptotic"` respectively.
public struct MannWhitneyU: Sendable, Equatable {
    /// How the p value was found.
    public enum Method: String, Sendable, Equatable {
        /// From the exact distribution of U under the null hypothesis.
        case exact
        /// From the normal approximation, tie- and continuity-corrected.
        case normal
    }

    /// U of the first sample: the pairs (a, b) with a > b, ties counting ½.
    public var u: Double
    /// The two-sided p value, 0 < p ≤ 1.
    public var p: Double
    /// Exact or normal approximation.
    public var method: Method

    /// Samples up to this size without ties get the exact test: counting the distribution
    /// costs n1 · n2² steps, nothing at benchmark repeat counts.
    public static let exactLimit = 20

    /// The test of `first` against `second`; nil when either is empty.
    public init?(_ first: [Double], _ second: [Double]) {
        let n1 = first.count, n2 = second.count
        guard n1 > 0, n2 > 0 else { return nil }
        let ranks = Self.ranks(first + second)
        let rankSum = ranks.prefix(n1).reduce(0, +)
        u = rankSum - Double(n1 * (n1 + 1)) / 2
        let ties = Self.tieGroups(first + second)
        if ties.allSatisfy({ $0 == 1 }) && n1 <= Self.exactLimit && n2 <= Self.exactLimit {
            method = .exact
            p = Self.exactP(u: u, n1, n2)
        } else {
            method = .normal
            p = Self.normalP(u: u, n1, n2, ties: ties)
        }
    }

    /// The smallest two-sided p that samples of these sizes can give (no ties, complete
    /// separation): 2 / C(n1 + n2, n1), at most 1. For 3 against 3 it is 0.1.
    public static func smallestP(_ n1: Int, _ n2: Int) -> Double {
        var combinations = 1.0
        for index in 0..<min(n1, n2) { combinations = combinations * Double(n1 + n2 - index) / Double(index + 1) }
        return min(1, 2 / combinations)
    }

    /// Mid-ranks from 1: equal values share the mean of the ranks they span.
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// The sizes of the groups of equal values.
    static func tieGroups(_ values: [Double]) -> [Int] {
        Dictionary(grouping: values, by: { $0 }).values.map(\.count)
    }

    /// Two-sided exact p: twice the smaller tail of U's distribution, at most 1.
    ///
    /// The distribution counts, for each u, the orderings of n1 + n2 distinct values whose
    /// first sample has U = u: f(n1, n2, u) = f(n1 − 1, n2, u − n2) + f(n1, n2 − 1, u).
    static func exactP(u: Double, _ n1: Int, _ n2: Int) -> Double {
        let maximum = n1 * n2
        // counts[j][k]: orderings of i first-sample and j second-sample values with U = k, built up over i.
        var previous = [[Double]](repeating: [Double](repeating: 0, count: maximum + 1), count: n2 + 1)
        for j in 0...n2 { previous[j][0] = 1 }
        for _ in 1...n1 {
            var current = [[Double]](repeating: [Double](repeating: 0, count: maximum + 1), count: n2 + 1)
            current[0][0] = 1
            for j in 1...n2 {
                for k in 0...maximum {
                    // The largest value belongs to the first sample (it beats all j) or to the second.
                    current[j][k] = (k >= j ? previous[j][k - j] : 0) + current[j - 1][k]
                }
            }
            previous = current
        }
        let counts = previous[n2]
        let total = counts.reduce(0, +)
        let observed = Int(u.rounded())
        let lower = counts[0...observed].reduce(0, +) / total
        let upper = counts[observed...maximum].reduce(0, +) / total
        return min(1, 2 * min(lower, upper))
    }

    /// Two-sided p from the normal approximation of U, with the variance corrected for ties
    /// and ½ continuity correction.
    static func normalP(u: Double, _ n1: Int, _ n2: Int, ties: [Int]) -> Double {
        let a = Double(n1), b = Double(n2), n = a + b
        let mean = a * b / 2
        let tieTerm = ties.map { Double($0 * $0 * $0 - $0) }.reduce(0, +)
        let variance = a * b / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        // Every value equal: no evidence of any difference.
        guard variance > 0 else { return 1 }
        let z = max(0, abs(u - mean) - 0.5) / variance.squareRoot()
        return min(1, erfc(z / 2.0.squareRoot()))
    }
}
