import Foundation
import Metrics
import Report
import Testing

@testable import Results

/// `barrage report` rebuilding the provenance from a results directory's node files.
struct ResultsReaderTests {
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "barrage-reader-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func reportRebuildsHostsSystemsAndTheTopologyHashFromTheNodeFiles() throws {
        let folder = try Self.scratch("report")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let topology = "name: t\n"
        let results = try ResultsDirectory(path: folder + "/run", topologyText: topology)
        let record = CellRecord(
            id: "builtin-c10-r1", index: 0, system: "builtin", connections: 10, repeatIndex: 1,
            status: .ok, clientWorkers: 1)
        let host = HostFacts(name: "local", hostname: "vm", kernel: "6.1", cpuModel: "cpu", cores: 2, memoryBytes: 1 << 30)
        let versions = SystemVersions(name: "builtin", container: "builtin", versions: ["barrage": "0.1.0"])
        let server = ServerNodeResult(
            node: "server", host: "local", samples: [], window: nil,
            cpuAllowanceCores: 2, systemVersions: versions, hostFacts: host)
        try results.writeCell(record: record, servers: [server], clients: [])
        // No summary.json: everything comes from nodes/ and topology.yaml.
        let summary = try ResultsReader.read(directory: folder + "/run")
        #expect(summary.systems == [versions])
        #expect(summary.hosts == [host])
        // `printf 'name: t\n' | sha256sum`
        #expect(summary.topologySHA256 == "685e3538e44a17d2d786588a0a61e937567d5b69e94a56121f1f5a1b978f86df")
    }
}
