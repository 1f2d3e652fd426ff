import Foundation
import Glibc
import Testing

@testable import Launch

/// One run's ssh masters as a value: a private socket folder, a reaper started with it, and
/// both gone once it is closed.
@Suite struct SSHMastersTests {
    /// A stand-in reaper: a shell script that sleeps until killed, recording its arguments.
    static func fakeReaper() throws -> (script: String, arguments: String) {
        let folder = NSTemporaryDirectory() + "sshmasters-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/reaper"
        try "#!/bin/sh\necho \"$@\" > \(folder)/arguments\nexec sleep 60\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        return (script, folder + "/arguments")
    }

    @Test func theSocketFolderIsPrivateAndGoneOnceClosed() throws {
        let masters = try SSHMasters { _ in nil }
        var status = stat()
        #expect(lstat(masters.controlDirectory, &status) == 0)
        #expect(SSHMasters.isPrivateFolder(status, owner: geteuid()))
        #expect(masters.controlDirectory.hasPrefix("/tmp/barrage-ssh-\(getpid())-"))
        #expect(masters.reaper == nil)
        // A socket left in it does not keep it.
        #expect(FileManager.default.createFile(atPath: masters.controlDirectory + "/h1-22", contents: Data()))
        masters.close([], exitTimeoutMs: 1_000)
        #expect(!FileManager.default.fileExists(atPath: masters.controlDirectory))
    }

    @Test func theReaperIsToldTheFolderAndIsStoppedOnClose() throws {
        let fake = try Self.fakeReaper()
        defer { try? FileManager.default.removeItem(atPath: (fake.script as NSString).deletingLastPathComponent) }
        // Run by /bin/sh, not exec'd: a file just written may be held open for writing by a
        // child another test forks meanwhile (ETXTBSY).
        let masters = try SSHMasters { control in ["/bin/sh", fake.script, "--control", control] }
        let pid = try #require(masters.reaper)
        #expect(kill(pid, 0) == 0, "the reaper runs while the masters may be open")
        var said: String?
        for _ in 0..<100 where said == nil {
            said = try? String(contentsOfFile: fake.arguments, encoding: .utf8)
            if said == nil { usleep(20_000) }
        }
        #expect(said == "--control \(masters.controlDirectory)\n")
        masters.close([], exitTimeoutMs: 1_000)
        #expect(masters.reaper == nil)
        // Killed and reaped: the pid no longer names a process of ours.
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func aFolderOfAnotherUserOrOpenToOthersIsRefused() {
        var status = stat()
        status.st_mode = S_IFDIR | 0o700
        status.st_uid = 1234
        #expect(SSHMasters.isPrivateFolder(status, owner: 1234))
        #expect(!SSHMasters.isPrivateFolder(status, owner: 4321))
        status.st_mode = S_IFDIR | 0o755
        #expect(!SSHMasters.isPrivateFolder(status, owner: 1234))
        status.st_mode = S_IFLNK | 0o700
        #expect(!SSHMasters.isPrivateFolder(status, owner: 1234))
    }
}
