import Foundation
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
