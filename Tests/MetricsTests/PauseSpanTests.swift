import Testing

@testable import Metrics

@Suite struct PauseSpanTests {
    static func spans(_ pairs: [(UInt64, UInt64)]) -> [PauseSpan] {
        pairs.map { PauseSpan(startUs: $0.0 * 1000, endUs: $0.1 * 1000) }
    }

    @Test func onlyWhatEveryClientSawRemains() {
        // Two clients saw the server's pause at 200–350 ms, a little apart; only the first
        // also had a silence of its own at 600–700 ms.
        let first = Self.spans([(200, 350), (600, 700)])
        let second = Self.spans([(202, 351)])
        #expect(PauseSpan.common([first, second], minimumUs: 40_000) == Self.spans([(202, 350)]))
    }

    @Test func aCommonPartShorterThanTheThresholdIsDropped() {
        let first = Self.spans([(0, 100)])
        let second = Self.spans([(80, 200)])
        #expect(PauseSpan.common([first, second], minimumUs: 40_000).isEmpty)
        #expect(PauseSpan.common([first, second], minimumUs: 10_000) == Self.spans([(80, 100)]))
    }

    @Test func oneClientKeepsItsOwnAndNoClientsMeansNone() {
        let only = Self.spans([(0, 50), (100, 120)])
        #expect(PauseSpan.common([only], minimumUs: 30_000) == Self.spans([(0, 50)]))
        #expect(PauseSpan.common([], minimumUs: 0).isEmpty)
    }

    @Test func oneLongSpanAgainstSeveralShortOnes() {
        let long = Self.spans([(0, 1000)])
        let short = Self.spans([(100, 200), (300, 400), (900, 1100)])
        #expect(PauseSpan.common([long, short], minimumUs: 1) == Self.spans([(100, 200), (300, 400), (900, 1000)]))
    }
}
