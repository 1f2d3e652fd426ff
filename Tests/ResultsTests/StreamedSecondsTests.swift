import Foundation
import Metrics
import Report
import Testing

@testable import Results

/// Seconds and samples appended while a cell runs, read back by `barrage report`, also when
/// the cell never ended.
struct StreamedSecondsTests {
    static func second(_ t: Int, requests: UInt64, latency: UInt64, errors: [String: UInt64] = [:]) -> ClientInterval {
        var histogram = LatencyHistogram()
        histogram.record(microseconds: latency, count: requests)
        return ClientInterval(
            second: t, counts: IntervalCounts(requests: requests, errors: errors.values.reduce(0, +), histogram: histogram),
            errorsByKind: errors)
    }

    @Test func aCellCutShortKeepsEverySecondThatReachedTheCoordinator() throws {
        let folder = try ResultsReaderTests.scratch("streamed")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        let record = CellRecord(
            id: "builtin-c10-r1", index: 0, system: "builtin", connections: 10, repeatIndex: 1,
            status: .interrupted, error: "the run ended before this cell did", clientWorkers: 1)
        try results.beginCell(record: record)
        // Seconds arrive a little out of order (threads hand them over at their own pace).
        for t in [0, 2, 1, 3, 4] {
            results.append(
                Self.second(
                    t, requests: 1_000 + UInt64(t), latency: 200 + UInt64(t) * 100, errors: t == 3 ? ["timeout": 2] : [:]),
                cell: record.id, node: "client-1", host: "local", windowOpenedEpochSeconds: 1_700_000_000)
        }
        results.append(
            (0..<30).map {
                ResourceSample(timeMs: UInt64($0) * 100, cpuSeconds: Double($0) * 0.01, rssBytes: 1 << 20, threads: 2)
            },
            cell: record.id, node: "server")
        // The coordinator dies here: no node file, no summary.json.
        let summary = try ResultsReader.read(directory: folder + "/run")
        let cell = try #require(summary.cells.first)
        #expect(cell.status == .interrupted)
        #expect(cell.timeseries.map(\.requests) == [1_000, 1_001, 1_002, 1_003, 1_004])
        #expect(cell.timeseries.map(\.errors) == [0, 0, 0, 2, 0])
        #expect(cell.requests == 5_010)
        #expect(cell.errorsByKind == ["timeout": 2])
        #expect(cell.timeseries[4].p50Microseconds >= 599 && cell.timeseries[4].p50Microseconds <= 601)
        #expect(cell.clients.hosts.map(\.host) == ["local"], "the host comes from the log's header")
    }

    /// A capacity search's earlier trials are set aside and not read back as nodes of the cell:
    /// the cell's figures are the kept trial's alone (summed with the earlier ones, a confirm run
    /// at 1,000/s read as 6,000/s).
    @Test func anEarlierTrialsLogIsSetAsideNotAdded() throws {
        let folder = try ResultsReaderTests.scratch("trials")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        for (trial, requests) in [(1, UInt64(400)), (2, UInt64(800))] {
            if trial > 1 { results.setAsideIntervalLogs(cell: "c", nodes: ["client-1"], trial: trial - 1) }
            results.append(
                Self.second(0, requests: requests, latency: 1_000), cell: "c", node: "client-1", host: "local",
                windowOpenedEpochSeconds: 1_700_000_000)
        }
        let cellFolder = folder + "/run/nodes/c"
        #expect(FileManager.default.fileExists(atPath: cellFolder + "/client-1.trial1.hlog"))
        #expect(ResultsReader.loggedClients(folder: cellFolder) == ["client-1"])
        let completed = ResultsReader.completed(folder: cellFolder, clients: [], servers: [])
        #expect(completed.clients.map(\.requests) == [800])
    }

    /// A damaged log cannot trap `report`: a second far past the longest window, a start that
    /// is not a number, counts past the bounds and seconds repeated past them are not added.
    @Test func aDamagedLogIsReadWithoutTrapping() throws {
        let folder = try ResultsReaderTests.scratch("damaged-hlog")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        results.append(
            Self.second(0, requests: 10, latency: 1_500), cell: "c", node: "client-1", host: "local",
            windowOpenedEpochSeconds: 1_700_000_000)
        let path = folder + "/run/nodes/c/client-1.hlog"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let good = try #require(text.split(separator: "\n").last)
        let encoded = good.split(separator: ",")[3]
        var huge = LatencyHistogram()
        huge.record(microseconds: 1_000_000, count: 1 << 40)
        var damaged = text
        damaged += "1e300,1.000,1.500,\(encoded)\n"
        damaged += "nan,1.000,1.500,\(encoded)\n"
        damaged += "99999999999.000,1.000,1.500,\(encoded)\n"
        damaged += "#{\"t\":1,\"requests\":18446744073709551615,\"errors\":{}}\n1.000,1.000,1.500,\(encoded)\n"
        damaged += "2.000,1.000,1000.000,\(huge.logEncoded)\n"
        try damaged.write(toFile: path, atomically: true, encoding: .utf8)
        let refused = RefusedLines()
        let client = try #require(
            ResultsReader.clientFromLog(folder: folder + "/run/nodes/c", node: "client-1", host: nil, refused: refused))
        #expect(client.requests == 10, "only the one sound second is added")
        #expect(client.window.endMs == 1_000)
        // Three interval lines that do not parse, a counts line past the bounds with its interval,
        // and an interval past them: each line counted, for `report` to name.
        #expect(refused.byFile == ["client-1.hlog": 6])
    }

    @Test func theLogIsAnHdrHistogramIntervalLog() throws {
        let folder = try ResultsReaderTests.scratch("hlog")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        results.append(
            Self.second(0, requests: 10, latency: 1_500), cell: "c", node: "client-1", host: "local",
            windowOpenedEpochSeconds: 1_700_000_000.25)
        let text = try String(contentsOfFile: folder + "/run/nodes/c/client-1.hlog", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.contains("#[Histogram log format version 1.3]"))
        #expect(lines.contains("#[StartTime: 1700000000.250 (seconds since epoch)]"))
        #expect(lines.contains(#""StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram""#))
        let interval = try #require(lines.last)
        let fields = interval.split(separator: ",")
        #expect(fields.count == 4)
        #expect(fields[0] == "0.000" && fields[1] == "1.000" && fields[2] == "1.500")
        #expect(LatencyHistogram(logEncoded: fields[3])?.count == 10)
    }

    @Test func aFinishedCellsServerSamplesAreReadOnceWhetherStreamedOrSentAtTheEnd() throws {
        let folder = try ResultsReaderTests.scratch("samples")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        let record = CellRecord(
            id: "c", index: 0, system: "builtin", connections: 1, repeatIndex: 1, status: .ok, clientWorkers: 0)
        let sample = { (t: UInt64) in ResourceSample(timeMs: t, cpuSeconds: 0, rssBytes: 1, threads: 1) }
        results.append([sample(0), sample(100)], cell: "c", node: "server")
        let last = ServerNodeResult(
            node: "server", host: "local", samples: [sample(200)], window: MeasurementWindow(startMs: 0, endMs: 200))
        let complete = ResultsReader.completed(folder: results.cellFolder("c"), clients: [], servers: [last])
        #expect(complete.servers[0].samples.map(\.timeMs) == [0, 100, 200])
        try results.writeCell(record: record, servers: [last], clients: [])
        let reread = ResultsReader.completed(
            folder: results.cellFolder("c"), clients: [],
            servers: [
                try JSONDecoder().decode(
                    ServerNodeResult.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/run/nodes/c/server.json")))
            ])
        #expect(reread.servers[0].samples.map(\.timeMs) == [0, 100, 200])
    }
}
