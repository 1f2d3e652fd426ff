import Testing

@testable import Load

/// `SilenceWatch` in virtual time: a 10 ms threshold, so the liveness timer runs every 2 ms and
/// a gap over 5 ms between ticks is the loop's own stall.
@Suite struct SilenceWatchTests {
    static let ms: UInt64 = 1_000_000

    /// Ticks every 2 ms from `from` to `to` (exclusive).
    static func ticks(_ watch: inout SilenceWatch, from: UInt64, to: UInt64) {
        for now in stride(from: from, to: to, by: Int(2 * ms)) { watch.tick(nowNs: now) }
    }

    @Test func aSilenceWithCallsOutstandingAndTheLoopAwakeIsAPause() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        #expect(watch.periodNs == 2 * Self.ms && watch.stallLimitNs == 5 * Self.ms)
        watch.sent(nowNs: 1 * Self.ms)
        Self.ticks(&watch, from: 2 * Self.ms, to: 150 * Self.ms)
        // The server answers after 150 ms of silence.
        #expect(watch.received(nowNs: 151 * Self.ms) == SilenceWatch.Stretch(startNs: 1 * Self.ms, endNs: 151 * Self.ms))
        #expect(watch.finished(nowNs: 151 * Self.ms) == nil)
    }

    @Test func silenceShorterThanTheThresholdOrWithNothingOutstandingIsNone() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        Self.ticks(&watch, from: 2 * Self.ms, to: 9 * Self.ms)
        #expect(watch.received(nowNs: 9 * Self.ms) == nil)
        #expect(watch.finished(nowNs: 9 * Self.ms) == nil)
        // Nothing outstanding: 100 ms without a byte is an idle client, not a pause.
        Self.ticks(&watch, from: 10 * Self.ms, to: 110 * Self.ms)
        #expect(watch.received(nowNs: 110 * Self.ms) == nil)
    }

    @Test func theGeneratorsOwnStallIsNeverCounted() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        Self.ticks(&watch, from: 2 * Self.ms, to: 5 * Self.ms)
        // The loop blocks from 4 ms to 154 ms; the answer that waited in the socket is read at
        // once, before the timer notices: silence counts only up to the last tick (4 ms).
        #expect(watch.received(nowNs: 154 * Self.ms) == nil)
        #expect(watch.finished(nowNs: 154 * Self.ms) == nil)
    }

    @Test func anAnswerReadInThePollRightAfterAStallMayHaveWaitedThroughIt() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        Self.ticks(&watch, from: 2 * Self.ms, to: 31 * Self.ms)
        // Blocked from 30 ms to 180 ms; the timer notices first, then the poll reads an answer:
        // only the 30 ms before the stall are proven silent.
        watch.tick(nowNs: 180 * Self.ms)
        #expect(watch.received(nowNs: 180 * Self.ms) == SilenceWatch.Stretch(startNs: 0, endNs: 30 * Self.ms))
    }

    @Test func aStallInsideAServerPauseJoinsItWhenThePollAfterItReadNothing() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        // Awake and silent to 40 ms, blocked to 90 ms, awake and silent again to 120 ms: the
        // poll after the stall read nothing, so nothing arrived during it either.
        Self.ticks(&watch, from: 2 * Self.ms, to: 41 * Self.ms)
        watch.tick(nowNs: 90 * Self.ms)
        Self.ticks(&watch, from: 92 * Self.ms, to: 120 * Self.ms)
        #expect(watch.received(nowNs: 120 * Self.ms) == SilenceWatch.Stretch(startNs: 0, endNs: 120 * Self.ms))
    }

    @Test func theWindowsCloseCutsTheSilenceUnderWay() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        Self.ticks(&watch, from: 2 * Self.ms, to: 31 * Self.ms)
        #expect(watch.cut(nowNs: 31 * Self.ms) == SilenceWatch.Stretch(startNs: 0, endNs: 31 * Self.ms))
        #expect(watch.outstanding == 1)
    }

    @Test func aCallThatTimesOutEndsTheSilenceWhenItWasTheLast() {
        var watch = SilenceWatch(thresholdNs: 10 * Self.ms, nowNs: 0)
        watch.sent(nowNs: 0)
        Self.ticks(&watch, from: 2 * Self.ms, to: 51 * Self.ms)
        #expect(watch.finished(nowNs: 51 * Self.ms) == SilenceWatch.Stretch(startNs: 0, endNs: 51 * Self.ms))
        #expect(watch.outstanding == 0)
    }
}
