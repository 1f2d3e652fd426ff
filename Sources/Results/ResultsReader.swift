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
        try readNamingDamage(directory: directory).summary
    }

    /// The summary rebuilt from `nodes/*/`, and every file that could not be read. A cell one
    /// of whose node files is unreadable or missing is marked (failed, the files named in its
    /// error); a cell whose node files are all gone, or that has no folder, comes from
    /// summary.json as the run wrote it. A folder written by an incompatible version is refused.
    public static func readNamingDamage(directory: String) throws -> (summary: RunSummary, damage: ResultsDamage) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NotResults(reason: "no such directory")
        }
        let nodes = directory + "/nodes"
        guard manager.fileExists(atPath: nodes) || manager.fileExists(atPath: directory + "/summary.json") else {
            throw NotResults(reason: "not a results directory (no nodes/ and no summary.json)")
        }
        var damage = ResultsDamage()
        let stored = try storedSummary(directory: directory, damage: &damage)
        let storedCells = Dictionary((stored?.cells ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let decoder = JSONDecoder()
        var indexed: [(index: Int, cell: CellSummary, servers: [ServerNodeResult], clients: [ClientNodeResult])] = []
        var capacity: [(index: Int, entry: CapacityEntry)] = []
        let cellFolders = ((try? manager.contentsOfDirectory(atPath: nodes)) ?? []).sorted()
        for (position, folder) in cellFolders.enumerated() {
            let path = "\(nodes)/\(folder)"
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let record: CellRecord
            switch decode(CellRecord.self, at: "nodes/\(folder)/cell.json", in: directory, decoder) {
            case .success(let decoded): record = decoded
            case .failure(let reason):
                damage.note("nodes/\(folder)/cell.json", reason)
                // The run's own figures for it, else a failed cell that says why: never gone.
                let cell =
                    storedCells[folder]
                    ?? CellAggregator.summarize(
                        record: ResultsDamage.placeholder(
                            id: folder, index: Int.max - cellFolders.count + position, reason: reason),
                        servers: [], clients: [])
                indexed.append((Int.max - cellFolders.count + position, cell, [], []))
                continue
            }
            let files = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
            var touched: [String] = []
            // One file per server replica: `server.json`, or `server-1.json` … with replicas.
            var servers: [ServerNodeResult] = []
            for file in files where file == "server.json" || (file.hasPrefix("server-") && file.hasSuffix(".json")) {
                switch decode(ServerNodeResult.self, at: "nodes/\(folder)/\(file)", in: directory, decoder) {
                case .success(let server): servers.append(server)
                case .failure(let reason): touched.append("\(file) unreadable"); damage.note("nodes/\(folder)/\(file)", reason)
                }
            }
            var clients: [ClientNodeResult] = []
            for file in files where file.hasPrefix("client-") && file.hasSuffix(".json") {
                switch decode(ClientNodeResult.self, at: "nodes/\(folder)/\(file)", in: directory, decoder) {
                case .success(let client): clients.append(client)
                case .failure(let reason): touched.append("\(file) unreadable"); damage.note("nodes/\(folder)/\(file)", reason)
                }
            }
            if let entry = record.capacity { capacity.append((record.index, entry)) }
            if record.status == .ok, touched.isEmpty {
                // An ok cell had a file per replica and per client worker: a missing one is damage too.
                // An external target's cell started no server: it has no server file to miss.
                let expected = (servers: record.target == nil ? record.replicas ?? 1 : 0, clients: record.clientWorkers)
                let found = files.filter { $0 == "server.json" || ($0.hasPrefix("server-") && $0.hasSuffix(".json")) }.count
                if found < expected.servers {
                    touched.append("\(expected.servers - found) of \(expected.servers) server files missing")
                    damage.note("nodes/\(folder)", touched.last!)
                }
                let foundClients = files.filter { $0.hasPrefix("client-") && $0.hasSuffix(".json") }.count
                if foundClients < expected.clients {
                    touched.append("\(expected.clients - foundClients) of \(expected.clients) client files missing")
                    damage.note("nodes/\(folder)", touched.last!)
                }
            }
            // Seconds and samples streamed while the cell ran; a node whose result never came is rebuilt from them.
            let refused = RefusedLines()
            let complete = completed(folder: path, clients: clients, servers: servers, refused: refused)
            if !touched.isEmpty, complete.servers.isEmpty, complete.clients.isEmpty, let kept = storedCells[record.id] {
                // Every node file gone: the figures the run itself wrote stand in.
                indexed.append((record.index, kept, [], []))
                continue
            }
            var cell = CellAggregator.summarize(
                record: record, servers: complete.servers, clients: complete.clients,
                secondsOf: secondsOf(folder: path, refused: refused))
            // An interval log's damaged lines are seconds the figures lack: named like a damaged file.
            for (file, count) in refused.byFile.sorted(by: { $0.key < $1.key }) {
                let words = "\(count) line\(count == 1 ? "" : "s") refused"
                touched.append("\(file): \(words)")
                damage.note("nodes/\(folder)/\(file)", "\(words) (damaged or cut short; not in the figures)")
            }
            if !touched.isEmpty { cell = ResultsDamage.marked(cell, files: touched) }
            indexed.append((record.index, cell, complete.servers, complete.clients))
        }
        indexed.sort { $0.index < $1.index }
        var cells = indexed.map(\.cell)
        // Cells summary.json holds whose folders are gone (or a folder with only summary.json).
        let rebuilt = Set(cells.map(\.id))
        let missing = (stored?.cells ?? []).filter { !rebuilt.contains($0.id) }
        if !missing.isEmpty {
            let order = Dictionary(
                (stored?.cells ?? []).enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
            cells = (cells + missing).enumerated().sorted {
                (order[$0.element.id] ?? Int.max, $0.offset) < (order[$1.element.id] ?? Int.max, $1.offset)
            }.map(\.element)
            if manager.fileExists(atPath: nodes) {
                for cell in missing { damage.note("nodes/\(cell.id)", "missing; its figures come from summary.json") }
            }
        }
        guard stored != nil || !cells.isEmpty else {
            throw NotResults(reason: "not a results directory (no readable cell in nodes/ and no readable summary.json)")
        }
        var status = stored?.status ?? RunStatus.of(cells, interrupted: false)
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
        let searched = Set(capacity.map(\.entry.cell))
        summary.capacity =
            capacity.sorted { $0.index < $1.index }.map(\.entry)
            + (stored?.capacity ?? []).filter { !searched.contains($0.cell) && !rebuilt.contains($0.cell) }
        summary.decisionLoadPerSecond = stored?.decisionLoadPerSecond
        return (summary, damage)
    }

    /// summary.json, when there is one: nil when it is missing or unreadable (named in
    /// `damage`); a refusal when another release line wrote it.
    static func storedSummary(directory: String, damage: inout ResultsDamage) throws -> RunSummary? {
        guard let data = FileManager.default.contents(atPath: directory + "/summary.json") else {
            if FileManager.default.fileExists(atPath: directory + "/summary.json") {
                damage.note("summary.json", "cannot be read")
            }
            return nil
        }
        // The version first: another release's summary may not decode, and that is not damage.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let written = object["barrage"] as? String, !ResultsVersion.isReadable(written)
        {
            throw NotResults(reason: ResultsVersion.refusal(written))
        }
        do {
            return try ReportRenderer.decodeSummary(data)
        } catch {
            damage.note("summary.json", ResultsDamage.reason(error))
            return nil
        }
    }

    /// The file at `relative` decoded, or why not in words.
    static func decode<T: Decodable>(_ type: T.Type, at relative: String, in directory: String, _ decoder: JSONDecoder)
        -> DecodeOutcome<T>
    {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(relative)") else {
            return .failure("cannot be read")
        }
        do {
            return .success(try decoder.decode(type, from: data))
        } catch {
            return .failure(ResultsDamage.reason(error))
        }
    }

    /// A node file decoded, or the reason it was not.
    enum DecodeOutcome<T> {
        case success(T)
        case failure(String)
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
