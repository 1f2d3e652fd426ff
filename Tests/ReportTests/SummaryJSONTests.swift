import Foundation
import Testing

@testable import Report

@Suite struct SummaryJSONTests {
    /// The keys of SPEC.md's summary.json, plus the additions (`id`, `errors_by_kind`, `hosts`,
    /// `idle_rss_bytes`, `memory_per_connection_bytes`, `late_sends`, the derived `groups`).
    static let runKeys: Set = [
        "barrage", "topology", "started", "status", "cells", "groups",
        "hosts", "barrage_commit", "topology_sha256", "systems",
        "capacity", "decision_load_per_second", "scaling"
    ]
    static let cellKeys: Set = [
        "system", "connections", "repeat", "status", "error", "duration_s", "requests",
        "errors", "requests_per_second", "latency_us", "server", "clients",
        "id", "errors_by_kind", "bottleneck", "timeseries",
        "scenario", "replicas", "cpus", "tls", "rate_per_second", "slo_met", "slo_misses",
        "connections_opened", "connect_us", "pauses", "unfinished", "unfinished_oldest_us",
        "requests_are", "streams", "streams_per_second", "target"
    ]
    static let latencyKeys: Set = ["min", "p50", "p90", "p95", "p99", "p999", "max", "mean"]
    static let serverKeys: Set = [
        "cpu_percent", "rss_peak_bytes", "rss_sustained_bytes", "threads_peak",
        "idle_rss_bytes", "memory_per_connection_bytes", "cgroup_memory_peak_bytes",
        "cpu_allowance_cores", "cpu_percent_unclamped"
    ]
    static let clientKeys: Set = [
        "workers", "connections_established", "cpu_percent", "rss_peak_bytes",
        "saturated", "hosts", "late_sends", "queued_sends"
    ]
    static let hostKeys: Set = [
        "host", "workers", "connections_established", "requests", "cpu_percent",
        "rss_peak_bytes", "saturated", "late_sends", "queued_sends", "cpu_idle_percent"
    ]

    static func object(_ value: Any?) throws -> [String: Any] {
        try #require(value as? [String: Any])
    }

    @Test func keysAreExactlyTheContracts() throws {
        let json = try Self.object(JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(Fixtures.run())))
        #expect(Set(json.keys) == Self.runKeys)
        let cells = try #require(json["cells"] as? [Any])
        #expect(cells.count == 2)
        for cell in cells {
            let cell = try Self.object(cell)
            #expect(Set(cell.keys) == Self.cellKeys)
            #expect(Set(try Self.object(cell["latency_us"]).keys) == Self.latencyKeys)
            #expect(Set(try Self.object(cell["connect_us"]).keys) == ["p50", "p99", "max"])
            #expect(Set(try Self.object(cell["pauses"]).keys) == ["threshold_ms", "count", "longest_ms", "total_ms", "spans"])
            #expect(Set(try Self.object(cell["server"]).keys) == Self.serverKeys)
            let clients = try Self.object(cell["clients"])
            #expect(Set(clients.keys) == Self.clientKeys)
            for host in try #require(clients["hosts"] as? [Any]) {
                #expect(Set(try Self.object(host).keys) == Self.hostKeys)
            }
        }
    }

    @Test func aMissingErrorIsWrittenAsNull() throws {
        let data = ReportRenderer.encodeJSON(Fixtures.run())
        let cells = try #require(try Self.object(JSONSerialization.jsonObject(with: data))["cells"] as? [[String: Any]])
        #expect(cells[1]["error"] is NSNull)
        #expect(cells[0]["error"] as? String == "server exited with status 1 before ready")
        #expect(String(decoding: data, as: UTF8.self).contains(#""error" : null"#))
    }

    @Test func valuesUseTheContractsTypes() throws {
        let json = try Self.object(JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(Fixtures.run())))
        let cell = try Self.object((json["cells"] as? [Any])?[1])
        #expect(json["status"] as? String == "failed")
        #expect(cell["status"] as? String == "ok")
        #expect(cell["repeat"] as? Int == 1)
        #expect(cell["requests"] as? Int == 150_000)
        #expect(cell["requests_per_second"] as? Double == 15_000)
        #expect(try Self.object(cell["clients"])["saturated"] as? Bool == true)
    }

    @Test func encodeThenDecodeGivesTheSameSummary() throws {
        let run = Fixtures.run()
        let data = ReportRenderer.encodeJSON(run)
        #expect(try ReportRenderer.decodeSummary(data) == run)
        // Stable: the same summary, the same bytes.
        #expect(ReportRenderer.encodeJSON(try ReportRenderer.decodeSummary(data)) == data)
    }

    @Test func theContractsExampleDecodes() throws {
        let example = """
            { "barrage": "0.1.0", "topology": "quick-local", "started": "2026-11-25T08:00:00Z",
              "status": "ok",
              "cells": [ {
                "system": "builtin", "connections": 100, "repeat": 1,
                "status": "ok", "error": null,
                "duration_s": 10.0, "requests": 123456, "errors": 0,
                "requests_per_second": 12345.6,
                "latency_us": { "min": 0, "p50": 0, "p90": 0, "p95": 0, "p99": 0, "p999": 0, "max": 0, "mean": 0 },
                "server": { "cpu_percent": 97.5, "rss_peak_bytes": 0, "rss_sustained_bytes": 0, "threads_peak": 0 },
                "clients": { "workers": 2, "connections_established": 100, "cpu_percent": 0, "rss_peak_bytes": 0,
                             "saturated": false }
              } ] }
            """
        let run = try ReportRenderer.decodeSummary(Data(example.utf8))
        #expect(run.cells.first?.requestsPerSecond == 12345.6)
        #expect(run.cells.first?.error == nil)
        #expect(run.cells.first?.errorsByKind == [:])
        #expect(run.cells.first?.clients.hosts == [])
        #expect(run.cells.first?.clients.lateSends == 0)
        #expect(run.cells.first?.server?.idleRssBytes == nil)
        #expect(run.cells.first?.server?.memoryPerConnectionBytes == nil)
    }

    @Test func unknownMemoryFiguresAreWrittenAsNullKnownOnesAsNumbers() throws {
        var run = Fixtures.run()
        run.cells[1].server?.idleRssBytes = 90 << 20
        run.cells[1].server?.memoryPerConnectionBytes = 12_345
        run.cells[1].clients.lateSends = 17
        let cells = try #require(
            try Self.object(JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(run)))["cells"] as? [Any])
        let unknown = try Self.object(try Self.object(cells[0])["server"])
        #expect(unknown["idle_rss_bytes"] is NSNull)
        #expect(unknown["memory_per_connection_bytes"] is NSNull)
        let known = try Self.object(cells[1])
        #expect(try Self.object(known["server"])["idle_rss_bytes"] as? Int == 90 << 20)
        #expect(try Self.object(known["server"])["memory_per_connection_bytes"] as? Int == 12_345)
        #expect(try Self.object(known["clients"])["late_sends"] as? Int == 17)
        #expect(try ReportRenderer.decodeSummary(ReportRenderer.encodeJSON(run)) == run)
    }

    @Test func somethingElseIsNotASummary() {
        #expect(throws: DecodingError.self) { try ReportRenderer.decodeSummary(Data(#"{"cells": 3}"#.utf8)) }
    }

    @Test func cellRecordUsesSnakeCaseKeys() throws {
        let data = try JSONEncoder().encode(Fixtures.record(status: .failed, error: "boom"))
        let json = try Self.object(JSONSerialization.jsonObject(with: data))
        #expect(Set(json.keys) == ["id", "index", "system", "connections", "repeat", "status", "error", "client_workers"])
        #expect(try JSONDecoder().decode(CellRecord.self, from: data) == Fixtures.record(status: .failed, error: "boom"))
    }
}
