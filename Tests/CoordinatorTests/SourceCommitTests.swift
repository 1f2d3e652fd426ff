import Foundation
import Testing

@testable import Coordinator

/// `barrage_commit` from the binary's checkout.
struct SourceCommitTests {
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "barrage-commit-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a command to the end; true when it exited 0.
    @discardableResult
    static func run(_ arguments: [String], in folder: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func onlyAFullCommitIdIsTaken() {
        let id = "5fa4e4f512bd407728eb30d98b6db97fb32a2494"
        #expect(SourceCommit.commit(in: id + "\n") == id)
        #expect(SourceCommit.commit(in: "5fa4e4f\n") == nil)
        #expect(SourceCommit.commit(in: "fatal: not a git repository\n") == nil)
        #expect(SourceCommit.commit(in: "") == nil)
    }

    @Test func theCommitIsTheCheckoutsAboveTheBinaryAndNilElsewhere() throws {
        let root = try Self.scratch("checkout")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let binary = root + "/.build/x86_64-unknown-linux-gnu/debug/barrage"
        try FileManager.default.createDirectory(
            atPath: root + "/.build/x86_64-unknown-linux-gnu/debug",
            withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: binary, contents: Data())
        // No checkout yet: nothing to name.
        #expect(SourceCommit.checkout(above: binary) == nil)
        #expect(SourceCommit.of(executable: binary) == nil)
        _ = FileManager.default.createFile(atPath: root + "/Package.swift", contents: Data("// swift-tools-version:6.0\n".utf8))
        try Self.run(["git", "init", "-q"], in: root)
        try Self.run(["git", "add", "Package.swift"], in: root)
        try Self.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"], in: root)
        #expect(SourceCommit.checkout(above: binary) == URL(fileURLWithPath: root).resolvingSymlinksInPath().path)
        let head = try #require(SourceCommit.of(executable: binary))
        #expect(head.count == 40)
    }
}
