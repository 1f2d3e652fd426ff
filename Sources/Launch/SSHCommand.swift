import Topology

/// The OpenSSH client command lines Barrage runs: batch mode (no prompts), host keys always
/// checked, one multiplexed master connection per host, dead connections noticed in seconds.
public struct SSHCommand: Sendable, Equatable {
    /// Where the host is, and as whom.
    public var target: SSHTarget
    /// `-i`, if the topology names one.
    public var identity: String?
    /// `UserKnownHostsFile`, if the topology names one.
    public var knownHosts: String?
    /// The master connection's socket (keep it short: sockets paths are limited to ~100 bytes).
    public var controlPath: String

    public init(target: SSHTarget, identity: String?, knownHosts: String?, controlPath: String) {
        self.target = target
        self.identity = identity
        self.knownHosts = knownHosts
        self.controlPath = controlPath
    }

    /// For `host`'s ssh settings, with `~/` in paths expanded against `home`.
    public init?(host: Host, controlDirectory: String, home: String) {
        guard let ssh = host.ssh else { return nil }
        func expand(_ path: String?) -> String? {
            guard let path else { return nil }
            return path.hasPrefix("~/") ? home + path.dropFirst(1) : path
        }
        self.init(
            target: ssh, identity: expand(host.identity), knownHosts: expand(host.knownHosts),
            controlPath: "\(controlDirectory)/\(host.name)")
    }

    /// Arguments of `ssh` (without the program name) running `remoteCommand` — a command line
    /// for the remote shell that the caller built from quoted words.
    public func arguments(remoteCommand: String) -> [String] {
        var arguments = [
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ControlMaster=auto",
            "-o", "ControlPath=\(controlPath)",
            "-o", "ControlPersist=60",
            "-o", "ConnectTimeout=10",
            "-o", "ServerAliveInterval=2",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-p", String(target.port),
            "-l", target.user
        ]
        if let identity { arguments += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        if let knownHosts { arguments += ["-o", "UserKnownHostsFile=\(knownHosts)"] }
        return arguments + ["--", target.host, remoteCommand]
    }

    /// Arguments that close the master connection (`ssh -O exit`).
    public func exitMasterArguments() -> [String] {
        ["-o", "ControlPath=\(controlPath)", "-O", "exit", "-p", String(target.port), "-l", target.user, "--", target.host]
    }
}
