import Testing

@testable import Report

/// Reference values from SciPy 1.17's `scipy.stats.mannwhitneyu`, two-sided: `method="exact"`
/// without ties, `method="asymptotic"` (tie and continuity corrected) with them.
@Suite struct MannWhitneyUTests {
    /// SciPy's documented example (ages at diagnosis, after Mann and Whitney's textbook
    /// treatment): U = 17, exact two-sided p = 1/9.
    @Test func textbookExampleExact() throws {
        let test = try #require(MannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]))
        #expect(test.method == .exact)
        #expect(test.u == 17)
        #expect(abs(test.p - 0.1111111111111111) < 1e-12)
    }

    @Test func completelySeparatedSamples() throws {
        let four = try #require(MannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8]))
        #expect(four.u == 0)
        #expect(abs(four.p - 0.02857142857142857) < 1e-12)  // 2 / C(8,4)
        // With three a side the smallest two-sided p is 2 / C(6,3) = 0.1: never below 0.05.
        let three = try #require(MannWhitneyU([1, 2, 3], [4, 5, 6]))
        #expect(abs(three.p - 0.1) < 1e-12)
    }

    @Test func tiesUseTheCorrectedNormalApproximation() throws {
        let test = try #require(MannWhitneyU([1, 2, 2, 3, 4, 4], [3, 4, 5, 5, 6, 7]))
        #expect(test.method == .normal)
        #expect(test.u == 3.5)
        #expect(abs(test.p - 0.023223192940087675) < 1e-9)
        let same = try #require(MannWhitneyU([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]))
        #expect(same.u == 12.5)
        #expect(same.p == 1)
    }

    @Test func largerSamplesWithoutTiesAreStillExact() throws {
        let test = try #require(
            MannWhitneyU(
                [12.1, 14.3, 11.8, 15.2, 13.9, 16.4, 12.7, 14.8],
                [15.9, 17.2, 16.8, 14.1, 18.3, 17.7, 16.1, 19.0, 15.5]))
        #expect(test.method == .exact)
        #expect(test.u == 7)
        #expect(abs(test.p - 0.0037021801727684074) < 1e-12)
        let overlapping = try #require(MannWhitneyU((0..<10).map(Double.init), (0..<12).map { Double($0) + 6.5 }))
        #expect(overlapping.u == 6)
        #expect(abs(overlapping.p - 9.278647049544882e-05) < 1e-15)
    }

    @Test func pastTheExactLimitTheNormalApproximation() throws {
        // 21 against 21 without ties.
        let first = (0..<21).map { Double($0) }
        let second = (0..<21).map { Double($0) + 11.5 }
        let test = try #require(MannWhitneyU(first, second))
        #expect(test.method == .normal)
        #expect(test.u == 45)
        #expect(abs(test.p - 1.0713176722966746e-05) < 1e-12)
    }

    @Test func anEmptySampleHasNoTest() {
        #expect(MannWhitneyU([], [1, 2]) == nil)
    }
}
