import Foundation
import Metrics
import Report
import Testing

@testable import Results

/// A damaged results folder: every file that could not be read is named, the cells it
/// touches are marked, summary.json stands in where node files are gone, and another
/// release line's folder is refused with its version in the words.
struct ResultsDamageTests {
    static let cellID = "builtin-c10-r1"

    /// A run folder with one ok cell of one server and two clients, and its summary.json.
    static func run(_ name: String, summary: Bool = true) throws -> (folder: String, results: String) {
        let folder = NSTemporaryDirectory() + "barrage-damage-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: folder)
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        let record = CellRecord(
            id: cellID, index: 0, system: "builtin", connections: 10, repeatIndex: 1, status: .ok, clientWorkers: 2)
        var histogram = LatencyHistogram()
        for micros in 1...1_000 { histogram.record(microseconds: UInt64(micros)) }
        let clients = (1...2).map { number in
            ClientNodeResult(
                node: "client-\(number)", host: "local", connectionsAsked: 5, connectionsEstablished: 5,
                connectFailures: [:], threads: 1, window: MeasurementWindow(startMs: 1_000, endMs: 11_000),
                requests: 1_000, errors: [:], histogram: histogram, cpuSeconds: 1, rssPeakBytes: 1 << 20)
        }
        let server = ServerNodeResult(node: "server", host: "local", samples: [], window: nil)
        try results.writeCell(record: record, servers: [server], clients: clients)
        if summary {
            let cell = CellAggregator.summarize(record: record, servers: [server], clients: clients)
            try results.writeSummary(
                RunSummary(barrage: "0.1.0", topology: "t", started: "2026-12-07T07:00:00Z", status: .ok, cells: [cell]))
        }
        return (folder, folder + "/run")
    }

    @Test func anUndamagedFolderReadsOkAndNamesNothing() throws {
        let (folder, results) = try Self.run("clean")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.damage.isEmpty, "\(reading.damage.unreadable)")
        #expect(reading.summary.cells.map(\.status) == [.ok])
        #expect(reading.summary.cells.first?.requests == 2_000)
    }

    /// A client's interval log (its seconds, streamed as the cell ran) with lines that cannot be
    /// used: `report` names the file and how many lines it refused, and marks the cell.
    @Test func refusedIntervalLogLinesAreNamedAndMarkTheCell() throws {
        let (folder, results) = try Self.run("hlog-lines")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try ResultsDirectory(path: results, topologyText: "name: t\n")
        for node in ["client-1", "client-2"] {
            for second in 0..<3 {
                var histogram = LatencyHistogram()
                histogram.record(microseconds: 500, count: 100)
                writer.append(
                    ClientInterval(second: second, counts: IntervalCounts(requests: 100, errors: 0, histogram: histogram)),
                    cell: Self.cellID, node: node, host: "local", windowOpenedEpochSeconds: 1_700_000_000)
            }
        }
        let log = "\(results)/nodes/\(Self.cellID)/client-1.hlog"
        let text = try String(contentsOfFile: log, encoding: .utf8)
        // A line of junk, a counts line that is not JSON, and a last interval cut short mid-line.
        let last = try #require(text.split(separator: "\n").last)
        try (text + "junk\n#{\"t\":3,\"requ\n" + last.replacingOccurrences(of: "2.000,", with: "3.000,").prefix(30))
            .write(toFile: log, atomically: true, encoding: .utf8)
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(
            reading.damage.unreadable == [
                "nodes/\(Self.cellID)/client-1.hlog: 3 lines refused (damaged or cut short; not in the figures)"
            ])
        let cell = try #require(reading.summary.cells.first)
        #expect(cell.status == .failed, "a cell missing seconds is no normal ok cell")
        #expect(cell.error?.contains("client-1.hlog: 3 lines refused") == true, "\(cell.error ?? "")")
        #expect(cell.timeseries.prefix(3).map(\.requests) == [200, 200, 200], "the sound seconds are kept")
        // The undamaged log names nothing.
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        #expect(try ResultsReader.readNamingDamage(directory: results).damage.isEmpty)
    }

    @Test func aTruncatedClientFileIsNamedAndItsCellIsNotOk() throws {
        let (folder, results) = try Self.run("truncated")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(results)/nodes/\(Self.cellID)/client-2.json"
        let data = try #require(FileManager.default.contents(atPath: file))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: file))
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.damage.unreadable.count == 1)
        #expect(reading.damage.unreadable.first?.hasPrefix("nodes/\(Self.cellID)/client-2.json: not valid JSON") == true)
        let cell = try #require(reading.summary.cells.first)
        #expect(cell.status == .failed, "a cell missing half its clients is no normal ok cell")
        #expect(cell.error?.contains("client-2.json unreadable") == true, "\(cell.error ?? "")")
        #expect(cell.requests == 1_000, "the figures are those of the file that could be read")
    }

    @Test func aMissingServerFileMarksTheCell() throws {
        let (folder, results) = try Self.run("no-server")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.removeItem(atPath: "\(results)/nodes/\(Self.cellID)/server.json")
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.damage.unreadable == ["nodes/\(Self.cellID): 1 of 1 server files missing"])
        #expect(reading.summary.cells.first?.status == .failed)
    }

    @Test func aFolderWithOnlySummaryJSONShowsItsCells() throws {
        let (folder, results) = try Self.run("summary-only")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.removeItem(atPath: results + "/nodes")
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.summary.cells.map(\.id) == [Self.cellID])
        #expect(reading.summary.cells.first?.requests == 2_000)
        #expect(reading.damage.isEmpty, "no nodes/ at all is a summary-only folder, not damage")
    }

    @Test func cellsWhoseNodeFilesAreAllGoneComeFromSummaryJSON() throws {
        let (folder, results) = try Self.run("nodes-gone")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in ["server.json", "client-1.json", "client-2.json"] {
            try FileManager.default.removeItem(atPath: "\(results)/nodes/\(Self.cellID)/\(file)")
        }
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.summary.cells.first?.requests == 2_000, "the run's own figures")
        #expect(reading.damage.unreadable.count == 2, "\(reading.damage.unreadable)")
    }

    @Test func aDamagedCellRecordDoesNotMakeTheCellVanish() throws {
        let (folder, results) = try Self.run("record")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("{\"id\": ".utf8).write(to: URL(fileURLWithPath: "\(results)/nodes/\(Self.cellID)/cell.json"))
        let withSummary = try ResultsReader.readNamingDamage(directory: results)
        #expect(withSummary.summary.cells.map(\.id) == [Self.cellID])
        #expect(withSummary.damage.unreadable.first?.hasPrefix("nodes/\(Self.cellID)/cell.json") == true)

        try FileManager.default.removeItem(atPath: results + "/summary.json")
        let alone = try ResultsReader.readNamingDamage(directory: results)
        let cell = try #require(alone.summary.cells.first)
        #expect(cell.id == Self.cellID && cell.status == .failed)
        #expect(cell.error?.contains("cell.json") == true)
    }

    @Test func anotherReleaseLinesFolderIsRefusedWithItsVersion() throws {
        let (folder, results) = try Self.run("version")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = results + "/summary.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"barrage\" : \"0.1.0\"", with: "\"barrage\" : \"2.3.0\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ResultsReader.NotResults.self) { try ResultsReader.read(directory: results) }
        do {
            _ = try ResultsReader.read(directory: results)
        } catch let error as ResultsReader.NotResults {
            #expect(error.reason.contains("2.3.0") && error.reason.contains("0.1.0"), "\(error.reason)")
        }
        #expect(ResultsVersion.isReadable("0.1.7", by: "0.1.0"))
        #expect(!ResultsVersion.isReadable("0.2.0", by: "0.1.0"))
        #expect(ResultsVersion.isReadable("1.4.0", by: "1.0.0"))
        #expect(!ResultsVersion.isReadable("garbage", by: "1.0.0"))
    }

    @Test func anUnreadableSummaryJSONIsNamed() throws {
        let (folder, results) = try Self.run("summary")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("{\"barrage\": \"0.1.0\", \"cells\": [".utf8).write(to: URL(fileURLWithPath: results + "/summary.json"))
        let reading = try ResultsReader.readNamingDamage(directory: results)
        #expect(reading.damage.unreadable.first?.hasPrefix("summary.json:") == true, "\(reading.damage.unreadable)")
        #expect(reading.summary.cells.first?.status == .ok, "the node files are whole")
    }
}
