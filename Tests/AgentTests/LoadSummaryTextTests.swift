import Load
import Metrics
import Testing

@testable import Agent

@Suite struct LoadSummaryTextTests {
    @Test func errorsReadAsCountsByKind() {
        #expect(LoadSummaryText.errors([:]) == "errors 0")
        #expect(LoadSummaryText.errors(["timeout": 0]) == "errors 0")
        #expect(LoadSummaryText.errors(["connection": 1, "timeout": 2]) == "errors 3 (timeout 2, connection 1)")
        #expect(LoadSummaryText.errors(["b": 1, "a": 1]) == "errors 2 (a 1, b 1)", "ties by name")
    }

    @Test func connectFailuresSayWhatHappened() {
        #expect(
            LoadSummaryText.noConnection(to: "h:1", failures: ["ECONNREFUSED": 4], connectTimeoutMs: 10_000)
                == "no connection to h:1 could be made (ECONNREFUSED ×4)")
        #expect(
            LoadSummaryText.noConnection(to: "h:1", failures: [LoadGenerator.noSettingsReason: 2], connectTimeoutMs: 10_000)
                == "connected to h:1, but no HTTP/2 SETTINGS within 10 s (2 of 2 connections)")
        #expect(
            LoadSummaryText.noConnection(
                to: "h:1", failures: [LoadGenerator.noSettingsReason: 2, "ETIMEDOUT": 3], connectTimeoutMs: 1_500)
                == "no connection to h:1 could be made (ETIMEDOUT ×3, connected but no HTTP/2 SETTINGS within 1.5 s ×2)")
    }

    @Test func figuresAreRounded() {
        #expect(LoadSummaryText.decimal(10305.115166018546, digits: 1) == "10,305.1")
        #expect(LoadSummaryText.decimal(0.96, digits: 1) == "1.0")
        #expect(LoadSummaryText.decimal(17.18073586598863, digits: 1) == "17.2")
        #expect(LoadSummaryText.grouped(1_234_567) == "1,234,567")
        #expect(LoadSummaryText.grouped(999) == "999")
        #expect(LoadSummaryText.duration(microseconds: 812.4) == "812µs")
        #expect(LoadSummaryText.duration(microseconds: 48667.6053701016) == "48.67ms")
        #expect(LoadSummaryText.duration(microseconds: 2_050_000) == "2.05s")
        #expect(LoadSummaryText.mebibytes(29_298_688) == "27.9 MiB")
        #expect(LoadSummaryText.seconds(300) == "0.3 s")
    }

    @Test func theSummaryLineHasNoRawDoubles() {
        var histogram = LatencyHistogram()
        for value in [100, 200, 300] as [UInt64] { histogram.record(microseconds: value) }
        let result = ClientNodeResult(
            node: "load", host: "local", connectionsAsked: 2, connectionsEstablished: 2, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 3_000), requests: 10_000, errors: ["timeout": 3],
            histogram: histogram, cpuSeconds: 1.5, rssPeakBytes: 10 * 1_048_576, lateSends: 0, queuedSends: 0,
            intervals: [], hostIdleFraction: nil, hostFacts: nil)
        let line = LoadSummaryText.line(result, connectionsAsked: 2)
        #expect(
            line.hasPrefix("requests/s 3,333.3 · requests 10,000 · errors 3 (timeout 3) · connections 2/2 · latency mean 200µs"))
        #expect(line.contains("· cpu 50.0 % · peak RSS 10.0 MiB ·"))
        #expect(!line.contains("connections opened"), "no churn, no set-up figures")
        var streamed = result
        streamed.streams = 2_000
        #expect(
            LoadSummaryText.line(streamed, connectionsAsked: 2).hasPrefix(
                "messages/s 3,333.3 · messages 10,000 · streams/s 666.7 · streams 2,000 · errors 3 (timeout 3)"))
    }

    @Test func theSummaryLineNamesChurnAndPauses() {
        var connect = LatencyHistogram()
        connect.record(microseconds: 250, count: 80)
        let result = ClientNodeResult(
            node: "load", host: "local", connectionsAsked: 10, connectionsEstablished: 10, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 4_000), requests: 4_000, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.5, rssPeakBytes: 1 << 20, connectionsOpened: 80,
            connectHistogram: connect,
            pauses: [PauseSpan(startUs: 200_000, endUs: 349_200), PauseSpan(startUs: 1_200_000, endUs: 1_300_000)],
            pauseThresholdMs: 10)
        let line = LoadSummaryText.line(result, connectionsAsked: 10)
        #expect(line.contains("· connections opened 80 · connect p50 250µs p99 250µs"), "\(line)")
        #expect(line.hasSuffix("· pauses 2 ≥ 10ms (longest 149.20ms)"), "\(line)")
    }
}
