import Foundation
import Metrics
import Report

/// The results directory of one run: `topology.yaml`, `summary.json`, `summary.md`,
/// `nodes/<cell>/<node>.json`, `logs/<cell>/<node>.log`. Every file is written whole
/// (temporary file + rename), so a crash never leaves half a file.
public final class ResultsDirectory {
    /// Its path.
    public let path: String
    /// Each written cell's client histograms added, by cell id, for report.html's spectra:
    /// kept rather than read back from every node file at every cell's end.
    private var histograms: [String: LatencyHistogram] = [:]

    /// Creates the directory (and parents) and stores the topology as run.
    public init(path: String, topologyText: String) throws {
        self.path = path
        let manager = FileManager.default
        try manager.createDirectory(atPath: path + "/nodes", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: path + "/logs", withIntermediateDirectories: true)
        try write(Data(topologyText.utf8), to: "topology.yaml")
    }

    /// Why `path` cannot take a new run's results, if it cannot: it is a file, or a folder
    /// that already holds something (a previous run, say, whose files would be mixed with
    /// and overwritten by this one's). A missing or empty folder is fine.
    public static func problem(with path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return "\(path) is a file, not a folder" }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard entries.isEmpty else {
            return "\(path) already holds \(entries.count) entr\(entries.count == 1 ? "y" : "ies") (an earlier run's results?); "
                + "choose another --out or remove it"
        }
        return nil
    }

    /// `base`, or `base-2`, `base-3`, … if it is taken: the default folder is named to the
    /// second, and two runs may start in the same one.
    public static func unusedPath(_ base: String) -> String {
        var candidate = base
        var number = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }

    /// The log file of `node` in `cell` (its folder is created).
    public func logPath(cell: String, node: String) throws -> String {
        try FileManager.default.createDirectory(atPath: "\(path)/logs/\(cell)", withIntermediateDirectories: true)
        return "\(path)/logs/\(cell)/\(node).log"
    }

    /// Writes one cell's raw node files (one per server replica and client) and its record.
    public func writeCell(record: CellRecord, servers: [ServerNodeResult], clients: [ClientNodeResult]) throws {
        let folder = "nodes/\(record.id)"
        try FileManager.default.createDirectory(atPath: "\(path)/\(folder)", withIntermediateDirectories: true)
        try write(Self.encoder.encode(record), to: "\(folder)/cell.json")
        for server in servers { try write(Self.encoder.encode(server), to: "\(folder)/\(server.node).json") }
        for client in clients { try write(Self.encoder.encode(client), to: "\(folder)/\(client.node).json") }
        histograms[record.id] = ResultsReader.merged(clients)
    }

    /// Writes `summary.json`, `summary.md` and `report.html`.
    public func writeSummary(_ summary: RunSummary) throws {
        try write(ReportRenderer.encodeJSON(summary), to: "summary.json")
        try write(Data(ReportRenderer.render(summary, format: .markdown).utf8), to: "summary.md")
        try write(Data(HTMLReport.render(summary, histograms: histograms).utf8), to: "report.html")
    }

    private func write(_ data: Data, to relative: String) throws {
        let target = URL(fileURLWithPath: "\(path)/\(relative)")
        try data.write(to: target, options: .atomic)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()
}
