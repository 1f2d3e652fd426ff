import Coordinator
import Digest
import Foundation
import Launch
import Topology

/// Before a run: reach every ssh host the plan uses, and put the binary and the server's
/// recipes there (each only when missing), saying what is copied and how far it got.
enum RemotePreparation {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The server host cannot enforce `server.limits`: a usage error, like the same on this machine.
    struct LimitsUnenforceable: Error {
        var host: String
        var reason: String
    }

    /// The `ssh-reaper` watching this process, while master connections may be open.
    nonisolated(unsafe) static var reaper: pid_t?

    /// Starts `barrage ssh-reaper` for `control`: if this process dies without closing the
    /// masters (SIGKILL), it closes them. Best effort; a run goes on without it.
    static func startReaper(control: String) {
        guard reaper == nil, let executable = SelfExecutable.path() else { return }
        reaper = QuietChild.start([executable, "ssh-reaper", "--control", control, "--parent", String(getpid())])
    }

    /// Stops the reaper: the masters are closed by now.
    static func stopReaper() {
        guard let pid = reaper else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        reaper = nil
    }

    /// The folder of this run's ssh master sockets, once made.
    nonisolated(unsafe) static var control: String?

    /// Where the ssh master sockets live: a fresh folder only this user can enter (`mkdtemp`,
    /// 0700), never one that was there before — another user could have made a predictable
    /// name first and be waiting on its sockets. Short, because socket paths are limited to ~100 bytes.
    static func controlDirectory() throws -> String {
        if let control { return control }
        // The pid in the name says whose it is; the random part makes it unguessable.
        var template = Array("/tmp/barrage-ssh-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(
                description: "cannot make a private folder for ssh's sockets in /tmp: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        var status = stat()
        guard lstat(path, &status) == 0, status.st_uid == geteuid(), status.st_mode & 0o777 == 0o700,
            status.st_mode & S_IFMT == S_IFDIR
        else {
            throw Failure(description: "refusing ssh's socket folder \(path): not a private folder of this user")
        }
        control = path
        return path
    }

    /// Deploys to every remote host of `plan`; returns them ready for workers. Throws
    /// `Deployer.Stopped` (every master connection closed) when SIGINT or SIGTERM arrives
    /// meanwhile: the caller starts `PreparationInterrupt.catchSignals()` first.
    static func prepare(plan: Plan, selfExecutable: String, containersDirectory: String, quiet: Bool) throws -> [String:
        RemoteHost]
    {
        let used = Set(plan.cells.flatMap { $0.servers.map(\.host.name) + $0.clients.map(\.host.name) })
        let hosts = plan.topology.hosts.filter { !$0.isLocal && used.contains($0.name) }
        guard !hosts.isEmpty else { return [:] }
        let say: (String) -> Void = { if !quiet { printError($0) } }
        guard let binary = FileManager.default.contents(atPath: selfExecutable) else {
            throw Failure(description: "cannot read its own binary \(selfExecutable) to deploy it")
        }
        let bytes = [UInt8](binary)
        let hash = SHA256.hex(bytes)
        let control = try controlDirectory()
        startReaper(control: control)
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        // Every replica's host gets the recipes and the limits preflight.
        let serverHosts = Set(plan.cells.flatMap { $0.servers.map(\.host.name) })
        let containers = Set(plan.topology.systems.filter { !$0.isBuiltin && !$0.isExternal }.map(\.container))
        var recipes: [String: (tar: [UInt8], hash: String)] = [:]
        if hosts.contains(where: { serverHosts.contains($0.name) }) {
            for name in containers.sorted() {
                recipes[name] = try recipeArchive(name: name, containersDirectory: containersDirectory)
            }
        }
        var ready: [String: RemoteHost] = [:]
        for host in hosts {
            guard let ssh = SSHCommand(host: host, controlDirectory: control, home: home) else { continue }
            let deployer = Deployer(host: host.name, ssh: ssh, stopWhen: PreparationInterrupt.isCaught, say: say)
            do {
                try deployer.connect()
                switch try deployer.deployBinary(bytes: bytes, hash: hash) {
                case .alreadyThere: say("barrage: \(host.name): barrage \(hash.prefix(12)) already deployed, nothing copied")
                case .copied(let count): say("barrage: \(host.name): copied barrage \(hash.prefix(12)) (\(count) bytes)")
                }
                var shipped: [String: String] = [:]
                if serverHosts.contains(host.name), let limits = plan.topology.server?.limits, !limits.isEmpty {
                    try checkLimits(limits, with: deployer, binaryHash: hash, host: host.name, say: say)
                }
                if serverHosts.contains(host.name) {
                    for (name, recipe) in recipes.sorted(by: { $0.key < $1.key }) {
                        switch try deployer.deployRecipe(name: name, tar: recipe.tar, hash: recipe.hash) {
                        case .alreadyThere: say("barrage: \(host.name): recipe \(name) already there, nothing copied")
                        case .copied(let count): say("barrage: \(host.name): copied recipe \(name) (\(count) bytes)")
                        }
                        shipped[name] = recipe.hash
                    }
                }
                ready[host.name] = RemoteHost(ssh: ssh, binaryHash: hash, recipes: shipped)
            } catch {
                for prepared in ready.values { Deployer(host: "", ssh: prepared.ssh, say: say).disconnect() }
                deployer.disconnect()
                if error is Deployer.Stopped || error is LimitsUnenforceable { throw error }
                throw Failure(description: "cannot use host '\(host.name)': \(error)")
            }
        }
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

    /// Closes every master connection.
    static func finish(_ hosts: [String: RemoteHost]) {
        for host in hosts.values { Deployer(host: "", ssh: host.ssh, say: { _ in }).disconnect() }
        if let control { try? FileManager.default.removeItem(atPath: control) }
        control = nil
        stopReaper()
    }
}
