import ArgumentParser
import CoordinatorCore
import Foundation
import Glibc
import Launch
import Posix

/// `barrage ssh-reaper --control DIR --parent PID`: internal. OpenSSH daemonizes the master
/// connections (`ControlPersist`), so a coordinator killed with SIGKILL would leave them
/// running until their idle timeout. This helper, started by the coordinator, watches for its
/// parent to die (it is re-parented then), and then closes every master whose socket is in DIR
/// (`ssh -O exit`, which also ends the sessions riding on it, so remote workers see their
/// channel close) and removes DIR. On a normal exit the coordinator does that itself and
/// kills this helper.
struct SSHReaperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-reaper",
        abstract: "Internal: close the ssh master connections in a folder when the coordinator dies.",
        shouldDisplay: false)

    @Option(help: "The folder of the master connections' sockets.")
    var control: String

    @Option(help: "The coordinator's pid.")
    var parent: Int32

    func run() throws {
        // Ctrl-C and a closing terminal reach the whole group: the coordinator handles them.
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        // A dead parent's children are re-parented (to init or a subreaper). Polling needs no
        // prctl (variadic, so not callable from Swift); ShutdownTimeouts says how often.
        while getppid() == parent { usleep(UInt32(ShutdownTimeouts.standard.reaperPollMs * 1_000)) }
        Self.closeMasters(in: control)
    }

    /// `ssh -O exit` for every socket in `folder`, then removes it.
    static func closeMasters(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard
                let pid = Spawner.startQuiet([
                    "ssh", "-o", "ControlPath=\(folder)/\(name)", "-o", "LogLevel=QUIET",
                    "-O", "exit", "barrage-master"
                ])
            else { continue }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
