import Testing

@testable import Report

@Suite struct AxisTicksTests {
    @Test func linearTicksStepByOneTwoOrFiveTimesAPowerOfTen() {
        let rates = AxisTicks.linear(0, 14_552)
        #expect(rates.values == [0, 5_000, 10_000, 15_000])
        #expect(rates.lower == 0 && rates.upper == 15_000)
        #expect(AxisTicks.linear(0, 1).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(AxisTicks.linear(3, 97).values == [0, 20, 40, 60, 80, 100])
        // Rounded out on both ends, never cutting the data.
        let cut = AxisTicks.linear(12, 38)
        #expect(cut.lower <= 12 && cut.upper >= 38)
        #expect(cut.values == [10, 20, 30, 40])
    }

    @Test func aFlatSeriesStillGetsAnAxisAroundIt() {
        let flat = AxisTicks.linear(50, 50)
        #expect(flat.lower < 50 && flat.upper > 50)
        #expect(AxisTicks.linear(0, 0).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func logTicksAreDecadesAndAShortAxisAddsTwoAndFive() {
        #expect(AxisTicks.log(3, 4_000).values == [1, 10, 100, 1_000, 10_000])
        #expect(AxisTicks.log(15, 700).values == [10, 20, 50, 100, 200, 500, 1_000])
        let spectrum = AxisTicks.log(1, 100_000)
        #expect(spectrum.values == [1, 10, 100, 1_000, 10_000, 100_000])
        #expect(spectrum.lower == 1 && spectrum.upper == 100_000)
        // One value: one decade around it.
        #expect(AxisTicks.log(100, 100).values == [100, 200, 500, 1_000])
        // Zero and negatives cannot sit on a log axis; the ticks stay finite.
        #expect(AxisTicks.log(0, 10).values.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func anAxisInKibibytesTicksOnRoundKibibytes() {
        let axis = ChartAxis(label: "memory (KiB)", divisor: 1024, format: ChartLabels.number)
        let ticks = axis.ticks(0, 650_000)
        #expect(ticks.values.map { axis.label(at: $0) } == ["0", "200", "400", "600", "800"])
    }

    @Test func percentileTicksReadAsPercentiles() {
        #expect(
            [1, 2, 10, 100, 1_000, 10_000, 100_000].map(PercentileSpectrum.percentileLabel(position:))
                == ["0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%"])
    }
}
