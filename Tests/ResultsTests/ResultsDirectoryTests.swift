import Foundation
import Metrics
import Report
import Testing

@testable import Results

/// Where a run's results may go: never into an earlier run's folder.
struct ResultsDirectoryTests {
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "barrage-results-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aTakenDefaultNameGetsANumber() throws {
        let folder = try Self.scratch("numbers")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = folder + "/run-20261125-101500"
        #expect(ResultsDirectory.unusedPath(base) == base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        #expect(ResultsDirectory.unusedPath(base) == base + "-2")
        try FileManager.default.createDirectory(atPath: base + "-2", withIntermediateDirectories: false)
        #expect(ResultsDirectory.unusedPath(base) == base + "-3")
    }

    @Test func onlyAMissingOrEmptyFolderTakesResults() throws {
        let folder = try Self.scratch("problems")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(ResultsDirectory.problem(with: folder + "/missing") == nil)
        #expect(ResultsDirectory.problem(with: folder) == nil, "empty")
        _ = FileManager.default.createFile(atPath: folder + "/summary.json", contents: Data("{}".utf8))
        #expect(ResultsDirectory.problem(with: folder)?.contains("already holds 1 entry") == true)
        #expect(ResultsDirectory.problem(with: folder + "/summary.json")?.contains("is a file") == true)
    }
}

/// Node files stay inside their cell's folder whatever a node is called.
struct ResultsDirectoryNamingTests {
    @Test func aNodeNameThatLeavesTheCellsFolderIsRefused() throws {
        let folder = try ResultsDirectoryTests.scratch("naming")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "name: t\n")
        let record = CellRecord(
            id: "builtin-c1-r1", index: 0, system: "builtin", connections: 1, repeatIndex: 1, status: .ok, clientWorkers: 0)
        for name in ["../../escaped", "a/b", ".hidden", ""] {
            let server = ServerNodeResult(node: name, host: "local", samples: [], window: nil)
            #expect(throws: (any Error).self, "\(name)") { try results.writeCell(record: record, servers: [server], clients: []) }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/escaped.json"))
        #expect(ResultsDirectory.isPlainName("server-2") && ResultsDirectory.isPlainName("client-10"))
    }
}

/// A topology's `env` values may be secrets: their results folder is the user's alone.
struct ResultsDirectoryPrivacyTests {
    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aPrivateFolderIsReadableByItsOwnerOnly() throws {
        let folder = try ResultsDirectoryTests.scratch("private")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultsDirectory(path: folder + "/run", topologyText: "env: { TOKEN: s3cret }\n", isPrivate: true)
        let record = CellRecord(
            id: "builtin-c1-r1", index: 0, system: "builtin", connections: 1, repeatIndex: 1, status: .ok, clientWorkers: 0)
        try results.writeCell(record: record, servers: [], clients: [])
        #expect(Self.mode(folder + "/run") == 0o700)
        #expect(Self.mode(folder + "/run/nodes/builtin-c1-r1") == 0o700)
        #expect(Self.mode(folder + "/run/topology.yaml") == 0o600)
        #expect(Self.mode(folder + "/run/nodes/builtin-c1-r1/cell.json") == 0o600)
    }
}
