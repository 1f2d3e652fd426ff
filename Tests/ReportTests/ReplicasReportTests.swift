import Foundation
import Metrics
import Testing

@testable import Report

/// Cells with several server replicas: sums and per-replica figures, the per-replica
/// bottleneck, the table's spread, the scaling line and what `compare` matches.
@Suite struct ReplicasReportTests {
    static func record(replicas: Int?) -> CellRecord {
        Fixtures.record().with(scenario: nil, cpus: nil, ratePerSecond: nil, slo: nil, replicas: replicas)
    }

    static func clients() -> [ClientNodeResult] {
        [
            Fixtures.client(node: "client-1", requests: 100_000, cpuSeconds: 2, established: 150),
            Fixtures.client(node: "client-2", requests: 100_000, cpuSeconds: 2, established: 150)
        ]
    }

    @Test func serverHoldsTheSumsAndServersEachReplicaInNodeOrder() throws {
        // Given out of order, as a directory listing may.
        let servers = [
            Fixtures.replica(3, host: "h3", busy: 0.62, rss: 110 << 20, idle: 20 << 20),
            Fixtures.replica(1, host: "h1", busy: 0.58, rss: 100 << 20, peak: 300 << 20, idle: 20 << 20),
            Fixtures.replica(2, host: "h2", busy: 0.60, rss: 90 << 20, idle: 20 << 20)
        ]
        let cell = CellAggregator.summarize(record: Self.record(replicas: 3), servers: servers, clients: Self.clients())
        #expect(cell.replicas == 3)
        #expect(cell.servers.map(\.node) == ["server-1", "server-2", "server-3"])
        #expect(cell.servers.map(\.host) == ["h1", "h2", "h3"])
        #expect(cell.servers.map { ($0.cpuPercent * 10).rounded() / 10 } == [58, 60, 62])
        #expect(abs((cell.server?.cpuPercent ?? .nan) - 180) < 1e-9)
        #expect(cell.server?.rssSustainedBytes == 300 << 20)
        #expect(cell.server?.rssPeakBytes == (300 + 90 + 110) << 20)  // each replica's own peak, added
        #expect(cell.server?.idleRssBytes == 60 << 20)
        #expect(cell.server?.cpuAllowanceCores == 3)
        #expect(cell.server?.threadsPeak == 12)
        // (300 − 60) MiB over the 300 connections of both clients, spread over all replicas.
        #expect(cell.server?.memoryPerConnectionBytes == ((240 << 20) + 150) / 300)  // rounded
        #expect(cell.bottleneck == Bottleneck.none)
    }

    @Test func aReplicaWithoutIdleRSSLeavesMemoryPerConnectionUnknown() {
        let servers = [Fixtures.replica(1, host: "h1", busy: 0.5, idle: 20 << 20), Fixtures.replica(2, host: "h2", busy: 0.5)]
        let cell = CellAggregator.summarize(record: Self.record(replicas: 2), servers: servers, clients: Self.clients())
        #expect(cell.server?.idleRssBytes == nil)
        #expect(cell.server?.memoryPerConnectionBytes == nil)
        #expect(cell.server?.rssSustainedBytes == 200 << 20)
    }

    @Test func oneReplicaAtItsLimitIsServerCPUWhenTheSumIsNot() {
        // 0.95 + 0.3 + 0.3 = 1.55 of 3 cores: 52 % of the sum, but server-2 is at 95 % of its core.
        let servers = [
            Fixtures.replica(1, host: "h1", busy: 0.3), Fixtures.replica(2, host: "h2", busy: 0.95),
            Fixtures.replica(3, host: "h3", busy: 0.3)
        ]
        let cell = CellAggregator.summarize(record: Self.record(replicas: 3), servers: servers, clients: Self.clients())
        #expect((cell.server?.cpuPercent ?? .infinity) < 0.9 * 300)
        #expect(cell.bottleneck == .serverCPU)
        let run = RunSummary(barrage: "0.1.0", topology: "t", started: "s", status: .ok, cells: [cell])
        let table = ReportRenderer.render(run, format: .table)
        #expect(table.contains("builtin replicas3 c100 r1: server-2 on h2 busy 0.95 of its 1.0 cores"), "\(table)")
        let even = CellAggregator.summarize(
            record: Self.record(replicas: 3),
            servers: (1...3).map { Fixtures.replica($0, host: "h\($0)", busy: 0.8) },
            clients: Self.clients())
        #expect(even.bottleneck == Bottleneck.none)
    }

    @Test func replicasComeFromTheRecordElseFromTheFilesFound() {
        // Three planned, one file left (two replicas died before writing): still a 3-replica cell.
        let planned = CellAggregator.summarize(
            record: Self.record(replicas: 3),
            servers: [Fixtures.replica(1, host: "h1", busy: 0.5)], clients: [])
        #expect(planned.replicas == 3 && planned.servers.count == 1)
        let old = CellAggregator.summarize(
            record: Self.record(replicas: nil),
            servers: [
                Fixtures.replica(1, host: "h1", busy: 0.5),
                Fixtures.replica(2, host: "h2", busy: 0.5)
            ], clients: [])
        #expect(old.replicas == 2)
        let single = CellAggregator.summarize(record: Fixtures.record(), servers: [Fixtures.server()], clients: [])
        #expect(single.replicas == 1 && single.servers.isEmpty)
        let none = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [])
        #expect(none.replicas == 1 && none.server?.cpuPercent == 0 && none.server?.cpuAllowanceCores == nil)
    }

    @Test func serversIsInTheJSONOnlyWithMoreThanOneReplicaAndRoundTrips() throws {
        let servers = [Fixtures.replica(1, host: "h1", busy: 0.5), Fixtures.replica(2, host: "h2", busy: 0.7)]
        let two = CellAggregator.summarize(record: Self.record(replicas: 2), servers: servers, clients: Self.clients())
        let one = CellAggregator.summarize(record: Fixtures.record(), servers: [Fixtures.server()], clients: Self.clients())
        let run = RunSummary(barrage: "0.1.0", topology: "t", started: "s", status: .ok, cells: [one, two])
        let data = ReportRenderer.encodeJSON(run)
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells[0]["servers"] == nil)
        let replicas = try #require(cells[1]["servers"] as? [[String: Any]])
        #expect(replicas.count == 2)
        #expect(
            Set(replicas[0].keys) == [
                "node", "host", "cpu_percent", "rss_peak_bytes", "rss_sustained_bytes",
                "cpu_allowance_cores"
            ])
        #expect(replicas[1]["host"] as? String == "h2")
        #expect(try ReportRenderer.decodeSummary(data) == run)
        // A cell written before replicas: no `replicas`, no `servers`.
        var old = cells[0]
        old["replicas"] = nil
        let decoded = try JSONDecoder().decode(CellSummary.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.replicas == 1 && decoded.servers.isEmpty)
    }

    @Test func aReadingJustAboveTheAllowanceIsClampedAndOneFarAboveIsNot() throws {
        // 1.001 cores under a 1-core limit: sampling error. 1.05: a limit that did not hold.
        let near = CellAggregator.summarize(
            record: Fixtures.record(),
            servers: [Fixtures.replica(1, host: "local", busy: 1.001)], clients: [])
        #expect(near.server?.cpuPercent == 100)
        #expect(abs((near.server?.cpuPercentUnclamped ?? 0) - 100.1) < 1e-6)
        let far = CellAggregator.summarize(
            record: Fixtures.record(),
            servers: [Fixtures.replica(1, host: "local", busy: 1.05)], clients: [])
        #expect(abs((far.server?.cpuPercent ?? .nan) - 105) < 1e-6 && far.server?.cpuPercentUnclamped == nil)
        let below = CellAggregator.summarize(
            record: Fixtures.record(),
            servers: [Fixtures.replica(1, host: "local", busy: 0.99)], clients: [])
        #expect(abs((below.server?.cpuPercent ?? .nan) - 99) < 1e-6 && below.server?.cpuPercentUnclamped == nil)
        let unlimited = CellAggregator.summarize(
            record: Fixtures.record(),
            servers: [Fixtures.replica(1, host: "local", busy: 1.001, allowance: nil)],
            clients: [])
        #expect(abs((unlimited.server?.cpuPercent ?? .nan) - 100.1) < 1e-6)

        let clamped = RunSummary(barrage: "0.1.0", topology: "t", started: "s", status: .ok, cells: [near])
        let table = ReportRenderer.render(clamped, format: .table)
        #expect(table.contains(ComparisonColumn.clampFootnote))
        #expect(!table.contains("100.1"))
        let plain = RunSummary(barrage: "0.1.0", topology: "t", started: "s", status: .ok, cells: [far])
        #expect(!ReportRenderer.render(plain, format: .table).contains(ComparisonColumn.clampFootnote))
    }

    @Test func theTableShowsReplicasAndTheSpreadBetweenThem() throws {
        let table = ReportRenderer.render(Fixtures.replicaSweep(), format: .table)
        let lines = table.components(separatedBy: "\n")
        let header = try #require(lines.first { $0.hasPrefix("system") })
        #expect(header.contains("replicas"))
        // The sum, then the lowest and highest replica.
        let three = try #require(lines.first { $0.hasPrefix("builtin") && $0.contains("115,900") })
        #expect(three.contains("183.0 (58.0–64.0)"), "\(three)")
        let one = try #require(lines.first { $0.hasPrefix("builtin") && $0.contains("41,200") })
        #expect(one.contains(" 58.0 "), "\(one)")
        #expect(!one.contains("58.0 ("))
        #expect(table.contains(ComparisonColumn.replicasFootnote))
        // Rows of one replica count stay together, in ascending counts.
        let order = lines.filter { $0.hasPrefix("builtin") || $0.hasPrefix("other") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(order == ["builtin 1", "other 1", "builtin 2", "other 2", "builtin 3", "other 3"])
        #expect(lines.map(\.count).max()! < 200, "the table grew too wide")
        let markdown = ReportRenderer.render(Fixtures.replicaSweep(), format: .markdown)
        #expect(markdown.contains("| 183.0 (58.0–64.0) |"))
    }

    @Test func aReplicaSweepPrintsAScalingLineWithEfficiencyPerSystem() throws {
        let table = ReportRenderer.render(Fixtures.replicaSweep(), format: .table)
        // 80,100 ÷ (2 × 41,200) = 97.2 %; 115,900 ÷ (3 × 41,200) = 93.8 %.
        #expect(
            table.contains(
                "scaling builtin c1000 over replicas: 1 → 2 → 3: 41,200 → 80,100 → 115,900 req/s"
                    + " (efficiency 97 %, 94 %); p99 1.25ms → 1.30ms → 1.35ms"), "\(table)")
        #expect(
            table.contains(
                "scaling other c1000 over replicas: 1 → 2 → 3: 20,000 → 24,000 → 25,000 req/s"
                    + " (efficiency 60 %, 42 %)"))
        let markdown = ReportRenderer.render(Fixtures.replicaSweep(), format: .markdown)
        #expect(markdown.contains("- scaling builtin c1000 over replicas: 1 → 2 → 3"))
        let html = ReportRenderer.render(Fixtures.replicaSweep(), format: .html)
        #expect(html.contains("<li>scaling builtin c1000 over replicas: 1 → 2 → 3"))
        // One replica count everywhere: nothing to scale over.
        let flat = RunSummary(
            barrage: "0.1.0", topology: "t", started: "s", status: .ok,
            cells: [Fixtures.replicatedCell("builtin", replicas: 2, rate: 10)])
        #expect(!ReportRenderer.render(flat, format: .table).contains("over replicas"))
    }

    @Test func theScalingLineNamesACountWithoutAnOkRunAndItsBaseWithoutOne() {
        var cells = Fixtures.replicaSweep().cells.filter { $0.system == "builtin" }
        cells[0].status = .failed  // the 1-replica cell
        let lines = ReplicaScaling.all(cells).map(\.line)
        // Per replica against 2: (115,900 ÷ 3) ÷ (80,100 ÷ 2) = 96 %.
        #expect(
            lines == [
                "scaling builtin c1000 over replicas: 2 → 3: 80,100 → 115,900 req/s"
                    + " (efficiency per replica against 2 96 %); p99 1.30ms → 1.35ms; no ok run at 1 replicas"
            ])
    }

    @Test func summaryJSONHasAScalingEntryPerSystem() throws {
        let data = ReportRenderer.encodeJSON(Fixtures.replicaSweep())
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let scaling = try #require(json["scaling"] as? [[String: Any]])
        #expect(scaling.map { $0["system"] as? String } == ["builtin", "other"])
        let builtin = scaling[0]
        #expect(builtin["dimension"] as? String == "replicas")
        #expect(builtin["connections"] as? Int == 1_000)
        #expect(builtin["base_replicas"] as? Int == 1)
        let points = try #require(builtin["points"] as? [[String: Any]])
        #expect(points.map { $0["replicas"] as? Int } == [1, 2, 3])
        #expect(points.map { $0["requests_per_second"] as? Double } == [41_200, 80_100, 115_900])
        let efficiency = points.compactMap { $0["efficiency"] as? Double }
        #expect(efficiency.count == 3 && efficiency[0] == 1)
        #expect(abs(efficiency[2] - 115_900 / (3 * 41_200)) < 1e-12)
        // Derived: a run without a sweep writes an empty list, and reading ignores it.
        let plain = try #require(JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(Fixtures.run())) as? [String: Any])
        #expect((plain["scaling"] as? [Any])?.isEmpty == true)
        #expect(try ReportRenderer.decodeSummary(data) == Fixtures.replicaSweep())
    }

    @Test func csvHasPerReplicaColumns() throws {
        let csv = ReportRenderer.render(Fixtures.replicaSweep(), format: .csv)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        let header = rows[0]
        for column in ["server_1_host", "server_1_cpu_percent", "server_3_rss_peak_bytes", "server_3_rss_sustained_bytes"] {
            #expect(header.contains(column), "\(column) missing")
        }
        let three = try #require(rows.first { $0.contains("builtin-replicas3-c1000-1") })
        func field(_ name: String) -> String { three[header.firstIndex(of: name)!] }
        #expect(field("replicas") == "3")
        #expect(field("server_3_host") == "h3" && field("server_3_cpu_percent") == "64")
        #expect(field("server_cpu_percent") == "183")
        let one = try #require(rows.first { $0.contains("builtin-replicas1-c1000-1") })
        #expect(one[header.firstIndex(of: "server_1_host")!] == "")
    }

    @Test func theTimeSeriesAddsEveryReplicasSecond() {
        let client = Fixtures.client(node: "client-1", requests: 10, cpuSeconds: 0)
        var clientWithIntervals = client
        clientWithIntervals.intervals = (0..<10).map { _ in IntervalCounts(requests: 1) }
        let servers = [
            Fixtures.replica(1, host: "h1", busy: 0.5, rss: 10 << 20),
            Fixtures.replica(2, host: "h2", busy: 0.25, rss: 30 << 20)
        ]
        let series = TimeSeriesBuilder.series(clients: [clientWithIntervals], servers: servers)
        #expect(series.count == 10)
        #expect(series.allSatisfy { abs(($0.serverCPUPercent ?? 0) - 75) < 1e-6 })
        #expect(series.allSatisfy { $0.serverRSSBytes == 40 << 20 })
    }

    @Test func theReportChartsScalingAgainstReplicas() {
        let html = HTMLReport.render(Fixtures.replicaSweep(), histograms: [:])
        let scaling = HTMLReportTests.figures(html, kind: "scaling")
        let againstReplicas = scaling.filter { $0.contains("against server replicas") }
        #expect(againstReplicas.count == 3)  // req/s, p99 and efficiency; no mem/conn known
        for figure in againstReplicas {
            #expect(HTMLReportTests.count(figure, "<path class=\"series\"") == 2)
        }
        #expect(againstReplicas[0].contains("<title>builtin at 3: 115,900.0 req/s</title>"))
        let efficiency = againstReplicas[2]
        #expect(efficiency.contains("Scaling efficiency"))
        #expect(efficiency.contains("<title>builtin at 1: 100 % efficient</title>"))
        #expect(efficiency.contains("<title>builtin at 3: 94 % efficient</title>"))
        #expect(efficiency.contains("<title>other at 3: 42 % efficient</title>"))
    }

    @Test func connectionScalingLinesAreOnePerReplicaCount() {
        var cells: [CellSummary] = []
        for replicas in [1, 2] {
            for connections in [100, 1_000] {
                var cell = Fixtures.replicatedCell("builtin", replicas: replicas, rate: Double(connections * replicas))
                cell.connections = connections
                cell.id = "builtin-replicas\(replicas)-c\(connections)-1"
                cells.append(cell)
            }
        }
        let lines = ScalingLines.lines(cells)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("builtin: 100 → 1,000 conns; req/s 100 → 1,000 (×10.00)"))
        #expect(lines[1].hasPrefix("builtin replicas2: 100 → 1,000 conns; req/s 200 → 2,000 (×10.00)"))
        // And over replicas, one line per connection count.
        #expect(ReplicaScaling.all(cells).map(\.fixed.label) == ["c100", "c1000"])
    }
}
