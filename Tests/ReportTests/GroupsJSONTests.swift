import Foundation
import Testing

@testable import Report

/// `groups` in summary.json: the medians and ranges per (system, connections), next to the per-repeat cells.
@Suite struct GroupsJSONTests {
    static func groups(_ run: RunSummary) throws -> [[String: Any]] {
        let json = try #require(try JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(run)) as? [String: Any])
        return try #require(json["groups"] as? [[String: Any]])
    }

    static func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }

    @Test func cellsStayOnePerRepeatAndGroupsFoldThem() throws {
        let run = Fixtures.sweep()
        let json = try #require(try JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(run)) as? [String: Any])
        #expect((json["cells"] as? [Any])?.count == 18)
        let groups = try Self.groups(run)
        #expect(groups.count == 6)
        let first = groups[0]
        #expect(
            Set(first.keys) == [
                "system", "connections", "scenario", "replicas", "cpus", "tls", "rate_per_second", "repeats", "ok",
                "requests_per_second", "errors", "latency_us", "server", "clients", "bottleneck"
            ])
        #expect(first["bottleneck"] as? String == "none")
        #expect(first["system"] as? String == "builtin" && first["connections"] as? Int == 100)
        #expect(first["repeats"] as? Int == 3 && first["ok"] as? Int == 3)
        let rate = try Self.object(first["requests_per_second"])
        #expect(rate["median"] as? Double == 95_000 && rate["min"] as? Double == 94_000)
        #expect(rate["max"] as? Double == 96_500 && rate["count"] as? Int == 3)
        let latency = try Self.object(first["latency_us"])
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "p999"])
        #expect(try Self.object(latency["p99"])["median"] as? Int == 1_300)
        let server = try Self.object(first["server"])
        #expect(Set(server.keys) == ["cpu_percent", "rss_peak_bytes", "rss_sustained_bytes", "memory_per_connection_bytes"])
        #expect(try Self.object(server["memory_per_connection_bytes"])["median"] as? Int == 40_512)
        #expect(Set(try Self.object(first["clients"]).keys) == ["cpu_percent", "saturated", "late_sends", "queued_sends"])
    }

    @Test func failedRepeatsAreCountedNotMeasuredAndUnknownsAreNull() throws {
        let groups = try Self.groups(Fixtures.sweep())
        let other1000 = try #require(groups.first { $0["system"] as? String == "other" && $0["connections"] as? Int == 1_000 })
        #expect(other1000["repeats"] as? Int == 3 && other1000["ok"] as? Int == 2)
        #expect(try Self.object(other1000["requests_per_second"])["count"] as? Int == 2)
        #expect(try Self.object(other1000["server"])["memory_per_connection_bytes"] is NSNull)
        let late = try #require(groups.last)
        #expect(try Self.object(late["clients"])["late_sends"] as? Int == 4_321)
        // No request completed: no latency to report.
        let idle = RunSummary(
            barrage: "0.1.0", topology: "t", started: "s", status: .failed,
            cells: [Fixtures.cell("builtin", 100, status: .failed, rate: 0)])
        #expect(try Self.object(try Self.groups(idle)[0]["latency_us"])["p99"] is NSNull)
    }

    @Test func groupsAreDerivedSoReadingIgnoresThem() throws {
        let run = Fixtures.sweep()
        let data = ReportRenderer.encodeJSON(run)
        #expect(try ReportRenderer.decodeSummary(data) == run)
        #expect(ReportRenderer.encodeJSON(try ReportRenderer.decodeSummary(data)) == data)
    }
}
