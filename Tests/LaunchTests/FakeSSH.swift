import Foundation
import Launch
import Topology

/// Stands in for `ssh` in Deployer tests: a script that runs the remote command (its last
/// argument) on this machine, in a home folder of its own, through an optional filter on
/// stdin (`head -c N` cuts a copy short). Nothing is contacted.
struct FakeSSH {
    let folder: String
    let home: String
    let executable: String

    init(_ name: String, stdinFilter: String? = nil, instead: String? = nil) throws {
        folder = NSTemporaryDirectory() + "barrage-launch-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: folder)
        home = folder + "/home"
        executable = folder + "/ssh"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let run = instead ?? (stdinFilter.map { "\($0) | sh -c \"$last\"" } ?? "exec sh -c \"$last\"")
        let script = """
            #!/bin/sh
            for last; do :; done
            HOME='\(home)'; export HOME
            cd "$HOME" || exit 255
            \(run)

            """
        _ = FileManager.default.createFile(
            atPath: executable, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
    }

    /// A deployer for host "h1" that runs this script instead of ssh.
    func deployer(stopWhen: (() -> Bool)? = nil) -> Deployer {
        let ssh = SSHCommand(
            target: SSHTarget(user: "bench", host: "10.0.0.1"), identity: nil, knownHosts: nil,
            controlPath: folder + "/control")
        return Deployer(host: "h1", ssh: ssh, sshExecutable: executable, stopWhen: stopWhen, say: { _ in })
    }

    /// Every path under the home folder, relative to it, sorted.
    func files() -> [String] {
        (FileManager.default.subpaths(atPath: home) ?? []).sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
