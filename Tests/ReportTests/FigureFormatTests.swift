import Testing

@testable import Report

@Suite struct FigureFormatTests {
    @Test func countsHaveThousandsSeparators() {
        #expect(FigureFormat.count(0) == "0")
        #expect(FigureFormat.count(999) == "999")
        #expect(FigureFormat.count(1_000) == "1,000")
        #expect(FigureFormat.count(1_234_567) == "1,234,567")
        #expect(FigureFormat.count(-12_345) == "-12,345")
    }

    @Test func ratesAndPercentsHaveOneDecimal() {
        #expect(FigureFormat.rate(12_345.6) == "12,345.6")
        #expect(FigureFormat.rate(0) == "0.0")
        #expect(FigureFormat.rate(0.04) == "0.0")
        #expect(FigureFormat.rate(999.96) == "1,000.0")
        #expect(FigureFormat.percent(97.5) == "97.5")
        #expect(FigureFormat.percent(.nan) == "-")
        #expect(FigureFormat.decimal(-1.25, decimals: 2) == "-1.25")
        #expect(FigureFormat.decimal(-0.001, decimals: 1) == "0.0")
    }

    @Test func latenciesCarryTheirUnit() {
        #expect(FigureFormat.latency(microseconds: 0) == "0µs")
        #expect(FigureFormat.latency(microseconds: 812) == "812µs")
        #expect(FigureFormat.latency(microseconds: 1_000) == "1.00ms")
        #expect(FigureFormat.latency(microseconds: 1_250) == "1.25ms")
        #expect(FigureFormat.latency(microseconds: 999_994) == "999.99ms")
        #expect(FigureFormat.latency(microseconds: 999_999) == "1.00s")
        #expect(FigureFormat.latency(microseconds: 12_345_678) == "12.35s")
    }

    @Test func sizesUseBinaryUnits() {
        #expect(FigureFormat.bytes(0) == "0 B")
        #expect(FigureFormat.bytes(1_023) == "1023 B")
        #expect(FigureFormat.bytes(1_536) == "1.5 KiB")
        #expect(FigureFormat.bytes(200 << 20) == "200.0 MiB")
        #expect(FigureFormat.bytes((1 << 20) - 1) == "1.0 MiB")
        #expect(FigureFormat.bytes(5 << 30) == "5.0 GiB")
        #expect(FigureFormat.bytes(3 << 40) == "3,072.0 GiB")
    }
}
