import CoordinatorCore
import Digest
import Foundation
import Launch
import Topology

/// Before a run: carries out a `HostPreparationPlan`: reaches every ssh host it names and puts
/// the binary and the server's recipes there (each only when missing), saying what is copied
/// and how far it got. The decisions (which hosts, which get recipes, where limits are checked)
/// are the plan's; this only runs ssh.
public enum RemotePreparation {
    /// A host could not be prepared, in words naming it.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server host cannot enforce `server.limits`: a usage error, like the same on this machine.
    public struct LimitsUnenforceable: Error {
        public var host: String
        public var reason: String
    }

    /// Prepares every host of `work`; returns them ready for workers, their master connections
    /// handed to `shutdown` (which closes them at the end). Throws `Deployer.Stopped` when
    /// SIGINT or SIGTERM arrives meanwhile (`shutdown.catchSignalsWhilePreparing()` first); on
    /// any throw every master connection opened here is closed already.
    public static func prepare(
        _ work: HostPreparationPlan, selfExecutable: String, containersDirectory: String, shutdown: RunShutdown,
        say: @escaping (String) -> Void
    ) throws -> [String: RemoteHost] {
        guard !work.hosts.isEmpty else { return [:] }
        guard let binary = FileManager.default.contents(atPath: selfExecutable) else {
            throw Failure(description: "cannot read its own binary \(selfExecutable) to deploy it")
        }
        let bytes = [UInt8](binary)
        let hash = SHA256.hex(bytes)
        let masters: SSHMasters
        do {
            masters = try SSHMasters(reaperCommand: SSHMasters.barrageReaper(selfExecutable))
        } catch {
            throw Failure(description: "\(error)")
        }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        var ready: [String: RemoteHost] = [:]
        do {
            var recipes: [String: (tar: [UInt8], hash: String)] = [:]
            for name in work.recipes {
                recipes[name] = try recipeArchive(name: name, containersDirectory: containersDirectory)
            }
            for item in work.hosts {
                let host = item.host
                guard let ssh = SSHCommand(host: host, controlDirectory: masters.controlDirectory, home: home) else { continue }
                let deployer = Deployer(host: host.name, ssh: ssh, stopWhen: shutdown.preparationInterrupted, say: say)
                // Registered before connecting: a master half-opened by a failed step is closed too.
                ready[host.name] = RemoteHost(ssh: ssh, binaryHash: hash, recipes: [:])
                do {
                    try deployer.connect()
                    switch try deployer.deployBinary(bytes: bytes, hash: hash) {
                    case .alreadyThere: say("barrage: \(host.name): barrage \(hash.prefix(12)) already deployed, nothing copied")
                    case .copied(let count): say("barrage: \(host.name): copied barrage \(hash.prefix(12)) (\(count) bytes)")
                    }
                    if let limits = item.limitsToCheck {
                        try checkLimits(limits, with: deployer, binaryHash: hash, host: host.name, say: say)
                    }
                    var shipped: [String: String] = [:]
                    if item.servesReplicas {
                        for name in work.recipes {
                            guard let recipe = recipes[name] else { continue }
                            switch try deployer.deployRecipe(name: name, tar: recipe.tar, hash: recipe.hash) {
                            case .alreadyThere: say("barrage: \(host.name): recipe \(name) already there, nothing copied")
                            case .copied(let count): say("barrage: \(host.name): copied recipe \(name) (\(count) bytes)")
                            }
                            shipped[name] = recipe.hash
                        }
                    }
                    ready[host.name] = RemoteHost(ssh: ssh, binaryHash: hash, recipes: shipped)
                } catch {
                    if error is Deployer.Stopped || error is LimitsUnenforceable { throw error }
                    throw Failure(description: "cannot use host '\(host.name)': \(error)")
                }
            }
        } catch {
            masters.close(ready.values.map(\.ssh), exitTimeoutMs: shutdown.timeouts.masterExitMs)
            throw error
        }
        shutdown.adopt(masters, hosts: ready)
        return ready
    }

    /// Runs the limits preflight on the server host with the binary just deployed there.
    static func checkLimits(
        _ limits: Limits, with deployer: Deployer, binaryHash: String, host: String,
        say: (String) -> Void
    ) throws {
        let json = String(decoding: try JSONEncoder().encode(limits), as: UTF8.self)
        let outcome = try deployer.run(
            "exec \(Deployer.remoteBinary(hash: binaryHash)) limits-check --limits \(ShellQuote.word(json))")
        guard outcome.status.isSuccess else {
            throw LimitsUnenforceable(
                host: host, reason: outcome.lastErrorLine.isEmpty ? "limits-check \(outcome.status)" : outcome.lastErrorLine)
        }
        say("barrage: \(host): limits \(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// A reproducible tar of `Containers/<name>` and `Containers/bench.proto`, and its hash.
    static func recipeArchive(name: String, containersDirectory: String) throws -> (tar: [UInt8], hash: String) {
        var members = [name]
        if FileManager.default.fileExists(atPath: containersDirectory + "/bench.proto") { members.append("bench.proto") }
        let outcome = try CommandRunner.run(
            "tar",
            [
                "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
                "-C", containersDirectory, "-cf", "-"
            ] + members, timeoutMs: 60_000)
        guard outcome.status.isSuccess else {
            throw Failure(description: "cannot pack recipe \(name): \(outcome.lastErrorLine)")
        }
        return (outcome.stdoutBytes, SHA256.hex(outcome.stdoutBytes))
    }
}
