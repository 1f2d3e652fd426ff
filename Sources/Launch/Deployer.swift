import Digest
import Glibc
import UV

/// Puts what a remote host needs in place before a run: the `barrage` binary at a path named
/// by its SHA-256 (`~/.cache/barrage/<sha256>/barrage`) and the recipes of the systems it
/// serves (`~/.cache/barrage/recipes/<sha256>/<name>`), each copied only when missing.
public struct Deployer {
    /// What happened to one artefact.
    public enum Outcome: Equatable, Sendable {
        case alreadyThere
        case copied(bytes: Int)
    }

    /// Why a deploy step failed, in words naming the host.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The coordinator was interrupted while a step ran; the step's command was stopped.
    public struct Stopped: Error, Sendable {}

    let host: String
    let ssh: SSHCommand
    let sshExecutable: String
    let say: (String) -> Void
    let stopWhen: (() -> Bool)?

    /// `stopWhen` is asked while every step runs (not `disconnect`, which must run after an
    /// interruption); when it says so, the step is stopped and throws `Stopped`.
    public init(
        host: String, ssh: SSHCommand, sshExecutable: String = "ssh",
        stopWhen: (() -> Bool)? = nil, say: @escaping (String) -> Void
    ) {
        self.host = host
        self.ssh = ssh
        self.sshExecutable = sshExecutable
        self.stopWhen = stopWhen
        self.say = say
    }

    /// The remote shell expression of the binary for `hash` (for `exec`).
    public static func remoteBinary(hash: String) -> String {
        "\"$HOME\"/.cache/barrage/\(hash)/barrage"
    }

    /// The recipe folder for `name` shipped as `hash`, relative to the remote home (the
    /// worker's working directory).
    public static func remoteRecipe(hash: String, name: String) -> String {
        ".cache/barrage/recipes/\(hash)/\(name)"
    }

    /// Opens the multiplexed master connection (every later ssh to the host rides on it) and
    /// checks the host key; a failure names the host and quotes ssh.
    public func connect() throws {
        var arguments = ssh.arguments(remoteCommand: "true")
        arguments.insert(contentsOf: ["-o", "ControlMaster=yes", "-f"], at: 0)
        let outcome = try execute(arguments, timeoutMs: 20_000)
        guard outcome.status.isSuccess else { throw Failure(description: explain(outcome)) }
    }

    /// Copies the binary at `path` (content `bytes`, hash `hash`) unless the host has it.
    public func deployBinary(bytes: [UInt8], hash: String) throws -> Outcome {
        let binary = Self.remoteBinary(hash: hash)
        let check = try run("test -x \(binary) && echo present || echo missing")
        if check.stdout.contains("present") { return .alreadyThere }
        let folder = "\"$HOME\"/.cache/barrage/\(hash)"
        // Installed only once its hash checks out: a copy cut short (Ctrl-C, a dropped
        // connection) ends `cat` as if complete, and a truncated binary at this path would be
        // taken for deployed by every later run.
        let install =
            "mkdir -p \(folder) && cd \(folder) && cat > barrage.partial && "
            + Self.verify(file: "barrage.partial", hash: hash) + " && chmod 755 barrage.partial && mv barrage.partial barrage"
        var shown = -1
        let outcome = try execute(ssh.arguments(remoteCommand: install), stdin: bytes, timeoutMs: 300_000) { written in
            let percent = bytes.isEmpty ? 100 : written * 100 / bytes.count
            if percent / 25 != shown / 25 {
                shown = percent
                self.say("  \(host): barrage \(Self.mebibytes(written))/\(Self.mebibytes(bytes.count)) (\(percent) %)")
            }
        }
        guard outcome.status.isSuccess else { throw Failure(description: explain(outcome)) }
        return .copied(bytes: bytes.count)
    }

    /// Ships a recipe (a tar stream of its folder and `bench.proto`) unless the host has it.
    public func deployRecipe(name: String, tar: [UInt8], hash: String) throws -> Outcome {
        let folder = "\"$HOME\"/.cache/barrage/recipes/\(hash)"
        let check = try run("test -d \(folder)/\(ShellQuote.word(name)) && echo present || echo missing")
        if check.stdout.contains("present") { return .alreadyThere }
        // The archive is checked before it is unpacked: tar takes a stream cut at a member
        // boundary for a whole one.
        let unpack =
            "rm -rf \(folder).partial && mkdir -p \(folder).partial && cd \(folder).partial && cat > recipe.tar && "
            + Self.verify(file: "recipe.tar", hash: hash) + " && tar -xf recipe.tar && rm recipe.tar && cd .. "
            + "&& rm -rf \(folder) && mv \(folder).partial \(folder)"
        let outcome = try execute(ssh.arguments(remoteCommand: unpack), stdin: tar, timeoutMs: 120_000)
        guard outcome.status.isSuccess else { throw Failure(description: explain(outcome)) }
        return .copied(bytes: tar.count)
    }

    /// Runs a remote command; ssh failures (exit 255) become a `Failure` naming the host.
    public func run(_ command: String, timeoutMs: UInt64 = 20_000) throws -> CommandRunner.Outcome {
        let outcome = try execute(ssh.arguments(remoteCommand: command), timeoutMs: timeoutMs)
        if outcome.timedOut || outcome.status == .exited(255) { throw Failure(description: explain(outcome)) }
        return outcome
    }

    /// Runs ssh with `arguments`; throws `Stopped` if `stopWhen` stopped it.
    func execute(
        _ arguments: [String], stdin: [UInt8] = [], timeoutMs: UInt64,
        progress: ((Int) -> Void)? = nil
    ) throws -> CommandRunner.Outcome {
        if stopWhen?() == true { throw Stopped() }
        let outcome = try CommandRunner.run(
            sshExecutable, arguments, stdin: stdin, timeoutMs: timeoutMs,
            stopWhen: stopWhen, progress: progress)
        if outcome.stopped { throw Stopped() }
        return outcome
    }

    /// A remote shell command that succeeds when `file` (in the current folder) has SHA-256
    /// `hash`, and otherwise removes it and says why on stderr.
    static func verify(file: String, hash: String) -> String {
        let line = ShellQuote.word("\(hash)  \(file)")
        return "{ printf '%s\\n' \(line) | sha256sum -c - >/dev/null 2>&1 || { rm -f \(file); "
            + "echo \(ShellQuote.word("the copy of \(file) arrived incomplete or damaged (SHA-256 differs); removed it")) >&2; exit 1; }; }"
    }

    /// Closes the master connection (no ssh process outlives the run), giving `ssh -O exit`
    /// `timeoutMs` (the coordinator's `ShutdownTimeouts.masterExitMs`).
    public func disconnect(timeoutMs: UInt64) {
        _ = try? CommandRunner.run(sshExecutable, ssh.exitMasterArguments(), timeoutMs: timeoutMs)
    }

    /// ssh's own words, plus what to do about the usual causes.
    func explain(_ outcome: CommandRunner.Outcome) -> String {
        if outcome.timedOut { return "\(host) (\(ssh.target.host):\(ssh.target.port)): ssh did not finish in time" }
        let said = outcome.lastErrorLine
        var text =
            "\(host) (\(ssh.target.user)@\(ssh.target.host):\(ssh.target.port)): "
            + (said.isEmpty ? "ssh failed (\(outcome.status))" : said)
        if said.contains("Host key verification failed") || said.contains("No ED25519 host key is known")
            || said.contains("host key is known") || said.contains("No") && said.contains("host key")
        {
            let file = ssh.knownHosts ?? "~/.ssh/known_hosts"
            text +=
                ". The host key of \(ssh.target.host) is not in \(file); after checking its fingerprint, accept it with: "
                + "ssh-keyscan -p \(ssh.target.port) \(ssh.target.host) >> \(file)"
        }
        return text
    }

    static func mebibytes(_ bytes: Int) -> String {
        let tenths = bytes * 10 / (1 << 20)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
