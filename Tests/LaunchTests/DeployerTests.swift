import Digest
import Foundation
import Launch
import Testing

/// Deploying through a stand-in ssh that runs the remote side here: copies land whole or not
/// at all, and a second deploy copies nothing.
struct DeployerTests {
    static let binary = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
    static var hash: String { SHA256.hex(binary) }

    @Test func copiesOnceThenFindsItThere() throws {
        let ssh = try FakeSSH("once")
        defer { ssh.remove() }
        let deployer = ssh.deployer()
        #expect(try deployer.deployBinary(bytes: Self.binary, hash: Self.hash) == .copied(bytes: Self.binary.count))
        let path = "\(ssh.home)/.cache/barrage/\(Self.hash)/barrage"
        #expect(FileManager.default.contents(atPath: path).map([UInt8].init) == Self.binary)
        #expect(FileManager.default.isExecutableFile(atPath: path))
        #expect(try deployer.deployBinary(bytes: Self.binary, hash: Self.hash) == .alreadyThere)
        #expect(ssh.files() == [".cache", ".cache/barrage", ".cache/barrage/\(Self.hash)", ".cache/barrage/\(Self.hash)/barrage"])
    }

    /// A copy cut short ends `cat` as if it were whole; it must not be installed, or every
    /// later run would take the truncated binary for deployed.
    @Test func aCopyCutShortIsRefusedAndLeavesNothing() throws {
        let ssh = try FakeSSH("cut", stdinFilter: "head -c 100000")
        defer { ssh.remove() }
        let deployer = ssh.deployer()
        let error = #expect(throws: Deployer.Failure.self) { try deployer.deployBinary(bytes: Self.binary, hash: Self.hash) }
        #expect(error?.description.contains("h1") == true, "\(String(describing: error))")
        #expect(error?.description.contains("incomplete or damaged") == true, "\(String(describing: error))")
        #expect(!ssh.files().contains { $0.hasSuffix("\(Self.hash)/barrage") || $0.hasSuffix(".partial") }, "\(ssh.files())")
    }

    @Test func aRecipeUnpacksOnceAndACutArchiveIsRefused() throws {
        let source = try FakeSSH("recipe-source")
        defer { source.remove() }
        let recipe = source.folder + "/Containers/echo"
        try FileManager.default.createDirectory(atPath: recipe, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: recipe + "/run", contents: Data("#!/bin/sh\necho run\n".utf8))
        _ = FileManager.default.createFile(atPath: recipe + "/zzz-large", contents: Data(repeating: 65, count: 10_000))
        let tar = try CommandRunner.run(
            "tar", ["--sort=name", "-C", source.folder + "/Containers", "-cf", "-", "echo"], timeoutMs: 10_000)
        let archive = tar.stdoutBytes
        let hash = SHA256.hex(archive)

        let ssh = try FakeSSH("recipe")
        defer { ssh.remove() }
        #expect(try ssh.deployer().deployRecipe(name: "echo", tar: archive, hash: hash) == .copied(bytes: archive.count))
        let unpacked = "\(ssh.home)/.cache/barrage/recipes/\(hash)/echo"
        #expect(FileManager.default.contents(atPath: unpacked + "/run") == Data("#!/bin/sh\necho run\n".utf8))
        #expect(try ssh.deployer().deployRecipe(name: "echo", tar: archive, hash: hash) == .alreadyThere)
        #expect(!ssh.files().contains { $0.hasSuffix(".tar") || $0.contains(".partial") }, "\(ssh.files())")

        // Cut just before the last member: tar alone would take this for a whole archive.
        let members = archive.count / 512
        let cut = try FakeSSH("recipe-cut", stdinFilter: "head -c \((members - 22) * 512)")
        defer { cut.remove() }
        #expect(throws: Deployer.Failure.self) { try cut.deployer().deployRecipe(name: "echo", tar: archive, hash: hash) }
        #expect(!FileManager.default.fileExists(atPath: "\(cut.home)/.cache/barrage/recipes/\(hash)"), "\(cut.files())")
    }

    /// Ctrl-C during a copy: the step in flight stops at once and says so.
    @Test func aStopRequestEndsTheStepInFlight() throws {
        let marker = "\(getpid())\(Int.random(in: 100...999))"
        let ssh = try FakeSSH("stop", instead: "exec sleep 30.\(marker)")
        defer { ssh.remove() }
        let asked = Date()
        let deployer = ssh.deployer(stopWhen: { Date().timeIntervalSince(asked) > 0.3 })
        #expect(throws: Deployer.Stopped.self) { try deployer.deployBinary(bytes: Self.binary, hash: Self.hash) }
        #expect(Date().timeIntervalSince(asked) < 3, "stopped after \(Date().timeIntervalSince(asked)) s")
        let left = try CommandRunner.run("pgrep", ["-f", "sleep 30.\(marker)"], timeoutMs: 5_000)
        #expect(left.stdout.isEmpty, "still running: \(left.stdout)")
        // Once stopped, no further step starts.
        #expect(throws: Deployer.Stopped.self) { try deployer.run("true") }
    }
}
