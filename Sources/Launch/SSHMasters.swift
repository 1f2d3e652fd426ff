import Glibc
import Posix

/// The ssh master connections of one run, as one value: the private folder their sockets live
/// in and the `barrage ssh-reaper` watching this process while they may be open.
///
/// Made by preparation when some host is reached over ssh, handed to whoever ends the run
/// (`RunShutdown`), and closed once; no global holds it. OpenSSH daemonizes a master
/// (`ControlPersist`), so a coordinator killed with SIGKILL would leave it running: the reaper,
/// a child that notices its parent is gone, closes every master in the folder then.
public final class SSHMasters {
    /// The folder of the master sockets (`-o ControlPath=<folder>/…`).
    public let controlDirectory: String
    /// The reaper's pid while it runs; nil when it could not start (a run goes on without it)
    /// or once stopped.
    public private(set) var reaper: pid_t?

    /// Why the socket folder could not be made.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Makes a fresh socket folder and starts `reaperCommand(folder)` (the CLI's
    /// `barrage ssh-reaper --control FOLDER --parent PID`; nil: no reaper).
    public init(reaperCommand: (String) -> [String]?) throws {
        controlDirectory = try Self.makePrivateFolder()
        reaper = reaperCommand(controlDirectory).flatMap(Spawner.startQuiet)
    }

    /// The reaper Barrage runs: `EXECUTABLE ssh-reaper --control FOLDER --parent PID` (this process).
    public static func barrageReaper(_ executable: String) -> (String) -> [String]? {
        { control in [executable, "ssh-reaper", "--control", control, "--parent", String(getpid())] }
    }

    /// Where the ssh master sockets live: a fresh folder only this user can enter (`mkdtemp`,
    /// 0700), never one that was there before — another user could have made a predictable
    /// name first and be waiting on its sockets. Short, because socket paths are limited to
    /// ~100 bytes.
    static func makePrivateFolder() throws -> String {
        // The pid in the name says whose it is; the random part makes it unguessable.
        var template = Array("/tmp/barrage-ssh-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(
                description: "cannot make a private folder for ssh's sockets in /tmp: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        var status = stat()
        guard lstat(path, &status) == 0, isPrivateFolder(status, owner: geteuid()) else {
            throw Failure(description: "refusing ssh's socket folder \(path): not a private folder of this user")
        }
        return path
    }

    /// Whether `status` is a folder of `owner` that nobody else may enter (mode 0700).
    static func isPrivateFolder(_ status: stat, owner: uid_t) -> Bool {
        status.st_uid == owner && status.st_mode & 0o777 == 0o700 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Closes every master of `hosts` (`ssh -O exit`, each given `exitTimeoutMs`), removes the
    /// folder, then stops the reaper: nothing is left for it to do.
    public func close(_ hosts: [SSHCommand], sshExecutable: String = "ssh", exitTimeoutMs: UInt64) {
        for ssh in hosts {
            Deployer(host: "", ssh: ssh, sshExecutable: sshExecutable, say: { _ in }).disconnect(timeoutMs: exitTimeoutMs)
        }
        removeFolderAndStopReaper()
    }

    private func removeFolderAndStopReaper() {
        unlinkTree(controlDirectory)
        guard let pid = reaper else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaper = nil
    }

    /// Removes the socket folder (sockets only, no subfolders: ssh makes none there).
    private func unlinkTree(_ folder: String) {
        if let directory = opendir(folder) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink(folder + "/" + name) }
            }
            closedir(directory)
        }
        rmdir(folder)
    }
}
