import Foundation
import Metrics
import Report

/// The results directory of one run: `topology.yaml`, `summary.json`, `summary.md`,
/// `nodes/<cell>/<node>.json`, `logs/<cell>/<node>.log`. Every file is written whole
/// (temporary file + rename), so a crash never leaves half a file.
public final class ResultsDirectory {
    /// Its path.
    public let path: String

    /// Creates the directory (and parents) and stores the topology as run.
    public init(path: String, topologyText: String) throws {
        self.path = path
        let manager = FileManager.default
        try manager.createDirectory(atPath: path + "/nodes", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: path + "/logs", withIntermediateDirectories: true)
        try write(Data(topologyText.utf8), to: "topology.yaml")
    }

    /// The log file of `node` in `cell` (its folder is created).
    public func logPath(cell: String, node: String) throws -> String {
        try FileManager.default.createDirectory(atPath: "\(path)/logs/\(cell)", withIntermediateDirectories: true)
        return "\(path)/logs/\(cell)/\(node).log"
    }

    /// Writes one cell's raw node files and its record.
    public func writeCell(record: CellRecord, server: ServerNodeResult?, clients: [ClientNodeResult]) throws {
        let folder = "nodes/\(record.id)"
        try FileManager.default.createDirectory(atPath: "\(path)/\(folder)", withIntermediateDirectories: true)
        try write(Self.encoder.encode(record), to: "\(folder)/cell.json")
        if let server { try write(Self.encoder.encode(server), to: "\(folder)/\(server.node).json") }
        for client in clients { try write(Self.encoder.encode(client), to: "\(folder)/\(client.node).json") }
    }

    /// Writes `summary.json` and `summary.md`.
    public func writeSummary(_ summary: RunSummary) throws {
        try write(ReportRenderer.encodeJSON(summary), to: "summary.json")
        try write(Data(ReportRenderer.render(summary, format: .markdown).utf8), to: "summary.md")
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
