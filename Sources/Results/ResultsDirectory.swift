import Foundation
import Metrics
import Report

/// The results directory of one run: `topology.yaml`, `summary.json`, `summary.md`,
/// `nodes/<cell>/<node>.json`, `logs/<cell>/<node>.log`. Every file is written whole
/// (temporary file + rename), so a crash never leaves half a file — except the streams a cell
/// appends to as it runs, a line at a time: each client's seconds (`<node>.hlog`, see
/// `IntervalLog`) and each server's samples (`<node>.samples.jsonl`).
public final class ResultsDirectory {
    /// Its path.
    public let path: String
    /// Each written cell's client histograms added, by cell id, for report.html's spectra:
    /// kept rather than read back from every node file at every cell's end.
    private var histograms: [String: LatencyHistogram] = [:]
    /// report.html as last rendered whole (at the run's start and each cell's end): the live
    /// page is it plus the running cell's section.
    private var finishedHTML = ""
    /// The running cell's streams, by path; closed when its files are written.
    private var streams: [String: AppendedFile] = [:]

    /// Whether every folder is 0700 and every file 0600: the topology gives systems `env`
    /// values, which may be secrets, and `topology.yaml` holds them.
    public let isPrivate: Bool

    /// Creates the directory (and parents) and stores the topology as run; `isPrivate` when
    /// the topology holds `env` values.
    public init(path: String, topologyText: String, isPrivate: Bool = false) throws {
        self.path = path
        self.isPrivate = isPrivate
        let manager = FileManager.default
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        if isPrivate { try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path) }
        try makeFolder("nodes")
        try makeFolder("logs")
        try write(Data(topologyText.utf8), to: "topology.yaml")
    }

    private func makeFolder(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: "\(path)/\(relative)", withIntermediateDirectories: true)
        if isPrivate { try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: "\(path)/\(relative)") }
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
        try makeFolder("logs/\(cell)")
        return "\(path)/logs/\(cell)/\(node).log"
    }

    /// The folder of cell `cell`.
    public func cellFolder(_ cell: String) -> String { "\(path)/nodes/\(cell)" }

    /// Starts a cell's folder with its record as it stands (status `interrupted` until it
    /// ends), so a run cut short — even by SIGKILL — leaves a cell `barrage report` reads.
    public func beginCell(record: CellRecord) throws {
        try makeFolder("nodes/\(record.id)")
        try write(Self.encoder.encode(record), to: "nodes/\(record.id)/cell.json")
    }

    /// Appends one second of client `node` to its interval log (started with its header).
    public func append(_ interval: ClientInterval, cell: String, node: String, host: String, windowOpenedEpochSeconds: Double) {
        let file = "\(cellFolder(cell))/\(IntervalLog.fileName(node: node))"
        stream(file, header: IntervalLog.header(node: node, host: host, cell: cell, startEpochSeconds: windowOpenedEpochSeconds))?
            .append(IntervalLog.lines(interval))
    }

    /// Appends server `node`'s samples to its sample log.
    public func append(_ samples: [ResourceSample], cell: String, node: String) {
        guard !samples.isEmpty else { return }
        stream("\(cellFolder(cell))/\(SampleLog.fileName(node: node))", header: nil)?.append(SampleLog.lines(samples))
    }

    /// A new trial's clients start their interval logs afresh: the last trial's move aside as
    /// `<node>.trial<N>.hlog`, so `<node>.hlog` always holds the seconds of the result kept.
    public func setAsideIntervalLogs(cell: String, nodes: [String], trial: Int) {
        for node in nodes {
            let file = "\(cellFolder(cell))/\(IntervalLog.fileName(node: node))"
            streams[file] = nil
            try? FileManager.default.moveItem(
                atPath: file, toPath: "\(cellFolder(cell))/\(IntervalLog.setAsideFileName(node: node, trial: trial))")
        }
    }

    private func stream(_ file: String, header: String?) -> AppendedFile? {
        if let open = streams[file] { return open }
        let isNew = !FileManager.default.fileExists(atPath: file)
        if isNew {
            let folder = String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        guard let opened = AppendedFile(path: file) else { return nil }
        if isNew, let header { opened.append(header) }
        streams[file] = opened
        return opened
    }

    /// Writes one cell's raw node files (one per server replica and client) and its record,
    /// and closes its streams. The servers' samples not yet streamed go to their sample logs
    /// (the node files keep none), the clients' seconds are in their interval logs already.
    /// The coordinator names every node from its plan; a name that could leave the cell's
    /// folder (`..`, `/`) is refused all the same.
    public func writeCell(record: CellRecord, servers: [ServerNodeResult], clients: [ClientNodeResult]) throws {
        for name in [record.id] + servers.map(\.node) + clients.map(\.node) where !Self.isPlainName(name) {
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSFilePathErrorKey: name])
        }
        var servers = servers
        for index in servers.indices {
            append(servers[index].samples, cell: record.id, node: servers[index].node)
            servers[index].samples = []
        }
        streams = [:]
        let folder = "nodes/\(record.id)"
        try makeFolder(folder)
        try write(Self.encoder.encode(record), to: "\(folder)/cell.json")
        for server in servers { try write(Self.encoder.encode(server), to: "\(folder)/\(server.node).json") }
        for client in clients { try write(Self.encoder.encode(client), to: "\(folder)/\(client.node).json") }
        histograms[record.id] = ResultsReader.merged(clients)
    }

    /// Writes `summary.json`, `summary.md` and `report.html`.
    public func writeSummary(_ summary: RunSummary) throws {
        try write(ReportRenderer.encodeJSON(summary), to: "summary.json")
        try write(Data(ReportRenderer.render(summary, format: .markdown).utf8), to: "summary.md")
        finishedHTML = HTMLReport.render(summary, histograms: histograms)
        try write(Data(finishedHTML.utf8), to: "report.html")
    }

    /// Rewrites report.html with the running cell's live section (and a reload every
    /// `reloadSeconds`); the finished cells' part is the one rendered when they ended.
    public func writeLiveReport(_ running: LiveCell, reloadSeconds: Int) throws {
        try write(
            Data(HTMLReport.live(finished: finishedHTML, running: running, reloadSeconds: reloadSeconds).utf8), to: "report.html")
    }

    /// A file or folder name that stays where it is put: letters, digits, `-`, `_` and `.`,
    /// not starting with a dot.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }

    private func write(_ data: Data, to relative: String) throws {
        let target = URL(fileURLWithPath: "\(path)/\(relative)")
        try data.write(to: target, options: .atomic)
        if isPrivate { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path) }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()
}
