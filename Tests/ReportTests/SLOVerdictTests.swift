import Metrics
import Testing
import Topology

@testable import Report

@Suite struct SLOVerdictTests {
    private func latency(p50: UInt64 = 1_000, p99: UInt64, p999: UInt64 = 90_000) -> LatencySummary {
        var summary = LatencySummary(LatencyHistogram())
        summary.p50 = p50
        summary.p99 = p99
        summary.p999 = p999
        return summary
    }

    @Test func boundsThatHoldMeet() {
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .errors(maximumPercent: 0.1)])
        #expect(SLOVerdict.evaluate(slo, latency: latency(p99: 50_000), requests: 10_000, errors: 10) == .met)
    }

    @Test func eachBrokenBoundIsNamedWithItsFigureInTheSLOsOrder() {
        let slo = SLO(bounds: [
            .errors(maximumPercent: 0.1), .latency(.p99, maximumMicroseconds: 50_000),
            .latency(.p50, maximumMicroseconds: 500), .latency(.p999, maximumMicroseconds: 2_000_000)
        ])
        let verdict = SLOVerdict.evaluate(
            slo, latency: latency(p50: 812, p99: 71_240, p999: 2_500_000), requests: 9_948, errors: 52)
        #expect(verdict == .missed(["errors 0.52% > 0.1%", "p99 71.2ms > 50ms", "p50 812µs > 500µs", "p999 2.5s > 2s"]))
        #expect(!verdict.isMet)
    }

    @Test func noCompletedRequestBreaksEveryLatencyBound() {
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .errors(maximumPercent: 100)])
        #expect(
            SLOVerdict.evaluate(slo, latency: latency(p99: 0), requests: 0, errors: 0)
                == .missed(["p99: no request completed"]))
    }

    @Test func callsInFlightAtTheCloseAreNeitherSlowNorErrors() {
        // A closed loop of 100 streams leaves 100 calls outstanding, none older than the bound.
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .errors(maximumPercent: 0)])
        #expect(
            SLOVerdict.evaluate(
                slo, latency: latency(p99: 4_000), requests: 20_000, errors: 0, unfinished: 100,
                unfinishedOldestUs: 3_180) == .met)
    }

    @Test func unfinishedCallsPastALatencyBoundMissItWhenTheyOutnumberItsShare() {
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .latency(.p50, maximumMicroseconds: 50_000)])
        // 300 of 10,300 calls (2.9 %) outstanding, the oldest 2 s: more than p99's 1 %, less than p50's half.
        #expect(
            SLOVerdict.evaluate(
                slo, latency: latency(p50: 1_000, p99: 4_000), requests: 10_000, errors: 0, unfinished: 300,
                unfinishedOldestUs: 2_000_000)
                == .missed(["p99 > 50ms: 300 calls unfinished at the close, the oldest 2s"]))
        // 50 of 10,050 (0.5 %): within p99's 1 % even if every one is past the bound.
        #expect(
            SLOVerdict.evaluate(
                slo, latency: latency(p50: 1_000, p99: 4_000), requests: 10_000, errors: 0, unfinished: 50,
                unfinishedOldestUs: 2_000_000) == .met)
    }

    @Test func aServerThatNeverAnswersMissesEveryBound() {
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .errors(maximumPercent: 1)])
        #expect(
            SLOVerdict.evaluate(
                slo, latency: latency(p99: 0), requests: 0, errors: 0, unfinished: 40, unfinishedOldestUs: 4_000_000)
                == .missed([
                    "p99: no request completed (40 unfinished, the oldest 4s)",
                    "errors: no call completed (40 unfinished, the oldest 4s)"
                ]))
    }

    @Test func aggregatorWritesTheVerdictIntoTheCell() {
        let record = Fixtures.record().with(
            scenario: "unary", cpus: 0.5, ratePerSecond: 5_000,
            slo: SLO(bounds: [.latency(.p99, maximumMicroseconds: 50)]))
        let cell = CellAggregator.summarize(
            record: record, servers: [Fixtures.server()],
            clients: [Fixtures.client(node: "client-1", requests: 100, latencies: [100], cpuSeconds: 1)])
        #expect(cell.sloMet == false)
        #expect(cell.sloMisses == ["p99 100µs > 50µs"])
        #expect(cell.scenario == "unary")
        #expect(cell.cpus == 0.5)
        #expect(cell.ratePerSecond == 5_000)
        #expect(cell.label == "unary builtin cpus0.5 c100 5000/s r1")
        let plain = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [])
        #expect(plain.sloMet == nil)
        #expect(plain.sloMisses.isEmpty)
        #expect(plain.label == "builtin c100 r1")
    }
}
