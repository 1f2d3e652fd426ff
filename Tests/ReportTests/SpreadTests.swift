import Testing

@testable import Report

@Suite struct SpreadTests {
    @Test func anOddCountsMedianIsTheMiddleValue() throws {
        let spread = try #require(Spread([3.0, 1.0, 2.0]))
        #expect(spread.median == 2 && spread.min == 1 && spread.max == 3 && spread.count == 3)
        #expect(spread.hasRange)
    }

    @Test func anEvenCountsMedianIsTheLowerMiddleValue() throws {
        // Not 2.5: the median is always a figure one repeat measured.
        let spread = try #require(Spread<UInt64>([4, 1, 3, 2]))
        #expect(spread.median == 2 && spread.min == 1 && spread.max == 4 && spread.count == 4)
        #expect(Spread<UInt64>([7, 5])?.median == 5)
    }

    @Test func oneValueHasNoRangeAndNoValueNoSpread() {
        #expect(Spread([42.0]).map { $0.median == 42 && !$0.hasRange } == true)
        #expect(Spread<Double>([]) == nil)
    }
}
