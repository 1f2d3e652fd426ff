import Metrics
import Testing

@Suite struct ResourceFiguresTests {
    /// One sample per second; `cpu` cumulative seconds, `rss` bytes.
    static func series(cpu: [Double], rss: [UInt64], threads: [Int]? = nil) -> [ResourceSample] {
        cpu.indices.map { index in
            ResourceSample(
                timeMs: UInt64(index) * 1_000, cpuSeconds: cpu[index], rssBytes: rss[index],
                threads: threads?[index] ?? 4)
        }
    }

    @Test func cpuIsInterpolatedAtTheWindowBoundaries() {
        // 1 core busy from 0 s to 2 s, idle from 2 s to 3 s.
        let samples = Self.series(cpu: [0, 1, 2, 2], rss: [10, 10, 10, 10])
        // [0.5 s, 2.5 s]: cpu 0.5 at the start, 2.0 at the end: 1.5 s of CPU in 2 s.
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 500, endMs: 2_500))
        #expect(abs(figures.cpuPercent - 75) < 1e-9)
    }

    @Test func cpuIsClampedToTheFirstAndLastSample() {
        let samples = Self.series(cpu: [1, 2, 3], rss: [10, 10, 10])
        // The window reaches beyond both ends: 2 s of CPU (1 → 3) over 4 s.
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 0, endMs: 4_000))
        #expect(abs(figures.cpuPercent - 50) < 1e-9)
    }

    @Test func cpuAboveOneCoreIsOverOneHundredPercent() {
        let samples = Self.series(cpu: [0, 2, 4], rss: [1, 1, 1])
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 0, endMs: 2_000))
        #expect(abs(figures.cpuPercent - 200) < 1e-9)
    }

    @Test func peakCoversTheWholeCellAndSustainedOnlyTheWindow() {
        // A start-up spike at 0 s and 1 s, before the window [2 s, 4 s].
        let samples = Self.series(
            cpu: [0, 1, 2, 3, 4, 5], rss: [900, 800, 100, 300, 200, 700],
            threads: [2, 9, 3, 3, 3, 3])
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 2_000, endMs: 4_000))
        #expect(figures.rssPeakBytes == 900)
        #expect(figures.rssSustainedBytes == 200)  // median of 100, 300, 200
        #expect(figures.threadsPeak == 9)
    }

    @Test func evenCountTakesTheLowerMiddleSample() {
        let samples = Self.series(cpu: [0, 1, 2, 3], rss: [400, 100, 300, 200])
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 0, endMs: 3_000))
        #expect(figures.rssSustainedBytes == 200)  // 100, 200 | 300, 400
    }

    @Test func sustainedFallsBackToTheNearestSample() {
        let samples = Self.series(cpu: [0, 1, 2], rss: [100, 200, 300])
        // No sample inside [1.2 s, 1.4 s]; the one at 1 s is nearer than the one at 2 s.
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 1_200, endMs: 1_400))
        #expect(figures.rssSustainedBytes == 200)
        #expect(abs(figures.cpuPercent - 100) < 1e-9)
    }

    @Test func noWindowGivesPeaksOnly() {
        let samples = Self.series(cpu: [0, 1, 2], rss: [100, 500, 300], threads: [1, 2, 3])
        let figures = ResourceFigures(samples: samples, window: nil)
        #expect(figures == ResourceFigures(cpuPercent: 0, rssPeakBytes: 500, rssSustainedBytes: 0, threadsPeak: 3))
    }

    @Test func fewerThanTwoSamplesGiveNoCPU() {
        let one = [ResourceSample(timeMs: 1_000, cpuSeconds: 5, rssBytes: 64, threads: 1)]
        let figures = ResourceFigures(samples: one, window: MeasurementWindow(startMs: 0, endMs: 2_000))
        #expect(figures == ResourceFigures(cpuPercent: 0, rssPeakBytes: 64, rssSustainedBytes: 64, threadsPeak: 1))
        let none = ResourceFigures(samples: [], window: MeasurementWindow(startMs: 0, endMs: 2_000))
        #expect(none == ResourceFigures(cpuPercent: 0, rssPeakBytes: 0, rssSustainedBytes: 0, threadsPeak: 0))
    }

    @Test func emptyOrReversedWindowGivesNoCPU() {
        let samples = Self.series(cpu: [0, 1, 2], rss: [1, 1, 1])
        #expect(ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 1_000, endMs: 1_000)).cpuPercent == 0)
        #expect(ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 2_000, endMs: 1_000)).cpuPercent == 0)
    }

    @Test func aCPUCounterDropIsNeverNegative() {
        // A child holding 0.8 s of CPU exits between 1 s and 2 s: the tree's counter falls.
        let samples = Self.series(cpu: [0, 1, 0.2, 1.2], rss: [1, 1, 1, 1])
        let figures = ResourceFigures(samples: samples, window: MeasurementWindow(startMs: 0, endMs: 3_000))
        // The second before the drop and the one after still count: 2 s of CPU over 3 s.
        #expect(abs(figures.cpuPercent - 200.0 / 3) < 1e-9)

        let onlyFalling = Self.series(cpu: [5, 3, 1], rss: [1, 1, 1])
        let fallen = ResourceFigures(samples: onlyFalling, window: MeasurementWindow(startMs: 0, endMs: 2_000))
        #expect(fallen.cpuPercent == 0)
    }

    @Test func samplesOutOfOrderAreSortedFirst() {
        let ordered = Self.series(cpu: [0, 1, 2, 2], rss: [10, 20, 30, 40])
        let window = MeasurementWindow(startMs: 500, endMs: 2_500)
        #expect(
            ResourceFigures(samples: ordered.reversed(), window: window)
                == ResourceFigures(samples: ordered, window: window))
    }
}
