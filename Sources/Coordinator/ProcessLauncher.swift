import Launch
import Topology
import UV
import Wire

/// Starts real workers: `barrage worker` on this machine, or through `ssh` on a deployed host.
public final class ProcessLauncher: WorkerLauncher {
    private let loop: Loop
    private let selfExecutable: String
    private let sshExecutable: String
    private let remoteHosts: [String: RemoteHost]

    /// A launcher on `loop` for the hosts of `options`.
    public init(loop: Loop, options: RunOptions) {
        self.loop = loop
        selfExecutable = options.selfExecutable
        sshExecutable = options.sshExecutable
        remoteHosts = options.remoteHosts
    }

    public func launch(node: String, host: Host, logPath: String, events: WorkerEvents) throws -> any WorkerHandle {
        var executable = selfExecutable
        var arguments = ["worker"]
        if let remote = remoteHosts[host.name] {
            executable = sshExecutable
            arguments = remote.workerArguments
        }
        return try WorkerProcess(
            loop: loop, node: node, executable: executable, arguments: arguments, logPath: logPath,
            onMessage: events.message, onChannelEnd: events.channelEnded,
            onExit: events.exited)
    }
}

extension WorkerProcess: WorkerHandle {}
