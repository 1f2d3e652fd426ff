import Digest
import Foundation
import Metrics
import Report
import Wire

/// Rebuilds a run's summary from the raw node files of a results directory, so
/// `barrage report` shows what the node files hold, also after an interrupted run.
public enum ResultsReader {
    /// The directory is not one `barrage launch` wrote.
    public struct NotResults: Error {
        public var reason: String
    }

    /// The summary rebuilt from `nodes/*/`; run-level fields come from `summary.json` when
    /// it is readable, else from `topology.yaml` and the cells.
    public static func read(directory: String) throws -> RunSummary {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NotResults(reason: "no such directory")
        }
        let nodes = directory + "/nodes"
        guard manager.fileExists(atPath: nodes) || manager.fileExists(atPath: directory + "/summary.json") else {
            throw NotResults(reason: "not a results directory (no nodes/ and no summary.json)")
        }
        let decoder = JSONDecoder()
        var indexed: [(index: Int, cell: CellSummary, servers: [ServerNodeResult], clients: [ClientNodeResult])] = []
        var capacity: [(index: Int, entry: CapacityEntry)] = []
        let cellFolders = ((try? manager.contentsOfDirectory(atPath: nodes)) ?? []).sorted()
        for folder in cellFolders {
            let path = "\(nodes)/\(folder)"
            guard let recordData = manager.contents(atPath: path + "/cell.json"),
                let record = try? decoder.decode(CellRecord.self, from: recordData)
            else { continue }
            let files = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
            // One file per server replica: `server.json`, or `server-1.json` … with replicas.
            let servers = files.filter { $0 == "server.json" || ($0.hasPrefix("server-") && $0.hasSuffix(".json")) }.compactMap {
                manager.contents(atPath: "\(path)/\($0)").flatMap { try? decoder.decode(ServerNodeResult.self, from: $0) }
            }
            let clients = files.filter { $0.hasPrefix("client-") && $0.hasSuffix(".json") }.compactMap {
                manager.contents(atPath: "\(path)/\($0)").flatMap { try? decoder.decode(ClientNodeResult.self, from: $0) }
            }
            // Seconds and samples streamed while the cell ran; a node whose result never came is rebuilt from them.
            let complete = completed(folder: path, clients: clients, servers: servers)
            let cell = CellAggregator.summarize(
                record: record, servers: complete.servers, clients: complete.clients, secondsOf: secondsOf(folder: path))
            indexed.append((record.index, cell, complete.servers, complete.clients))
            if let entry = record.capacity { capacity.append((record.index, entry)) }
        }
        indexed.sort { $0.index < $1.index }
        let cells = indexed.map(\.cell)
        let stored = manager.contents(atPath: directory + "/summary.json").flatMap { try? ReportRenderer.decodeSummary($0) }
        guard stored != nil || !cells.isEmpty else {
            throw NotResults(reason: "not a results directory (no readable cell in nodes/ and no readable summary.json)")
        }
        var status: RunStatus = stored?.status ?? (cells.allSatisfy { $0.status == .ok } ? .ok : .failed)
        // A coordinator killed mid-run left summary.json as it stood: a cell says otherwise.
        if status == .ok, cells.contains(where: { $0.status == .interrupted }) { status = .interrupted }
        var summary = RunSummary(
            barrage: stored?.barrage ?? BarrageVersion.current,
            topology: stored?.topology ?? topologyName(directory: directory),
            started: stored?.started ?? "", status: status, cells: cells,
            hosts: stored?.hosts ?? [], barrageCommit: stored?.barrageCommit,
            topologySHA256: topologyHash(directory: directory) ?? stored?.topologySHA256,
            systems: stored?.systems ?? [])
        // The node files say which hosts and versions each cell had; summary.json's lists
        // (kept above) come first, so a node file never overrides what the run recorded.
        var order: [String] = []
        for cell in cells where !order.contains(cell.system) { order.append(cell.system) }
        for entry in indexed {
            summary.noteProvenance(servers: entry.servers, clients: entry.clients, systemOrder: order)
        }
        summary.capacity = capacity.sorted { $0.index < $1.index }.map(\.entry)
        summary.decisionLoadPerSecond = stored?.decisionLoadPerSecond
        return summary
    }

    /// SHA-256 of the stored `topology.yaml`, the file as run; nil without it.
    static func topologyHash(directory: String) -> String? {
        FileManager.default.contents(atPath: directory + "/topology.yaml").map { SHA256.hex(Array($0)) }
    }

    /// The `name:` line of the stored topology, or the folder's name.
    static func topologyName(directory: String) -> String {
        if let text = try? String(contentsOfFile: directory + "/topology.yaml", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("name:") {
                return line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            }
        }
        return URL(fileURLWithPath: directory).lastPathComponent
    }
}
