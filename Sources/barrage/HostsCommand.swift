import ArgumentParser
import CoordinatorCore
import Digest
import Foundation
import Launch
import Topology
import UV

/// `barrage hosts TOPOLOGY`: a preflight of every host in a topology.
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract:
            "Check every host of a topology: reachable, architecture, cores, open-files limit, free ephemeral ports, barrage deployed, clock offset."
    )

    @Argument(help: "The topology file (YAML).")
    var topology: String

    @Option(help: "The Containers/ folder (default: found beside or above the topology file).")
    var containers: String?

    /// Printed by every host; nothing in it comes from the topology.
    static func probe(hash: String) -> String {
        "uname -m; nproc; ulimit -n; ulimit -Hn; cat /proc/sys/net/ipv4/ip_local_port_range; "
            + "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l; date +%s%N; "
            + "test -x \(Deployer.remoteBinary(hash: hash)) && echo deployed || echo missing"
    }

    func run() throws {
        guard let loaded = TopologyLoader.load(path: topology, containers: containers) else { throw ExitCode(2) }
        guard let executable = SelfExecutable.path(), let binary = FileManager.default.contents(atPath: executable) else {
            printError("barrage: cannot read its own executable")
            throw ExitCode(1)
        }
        let hash = SHA256.hex([UInt8](binary))
        let masters: SSHMasters
        let timeouts = ShutdownTimeouts.standard
        do {
            let anyRemote = loaded.topology.hosts.contains(where: { !$0.isLocal })
            masters = try SSHMasters(reaperCommand: anyRemote ? SSHMasters.barrageReaper(executable) : { _ in nil })
        } catch {
            printError("barrage hosts: \(error)")
            throw ExitCode(1)
        }
        // Each probe closes its own master; this removes the folder and stops the reaper.
        defer { masters.close([], exitTimeoutMs: timeouts.masterExitMs) }
        let control = masters.controlDirectory
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        var rows: [[String]] = []
        var problems: [String] = []
        // Ctrl-C stops the probe in flight and closes its master connection before exiting.
        PreparationInterrupt.catchSignals()
        for host in loaded.topology.hosts {
            // A signal that came while a local probe ran (nothing stops those) ends it here.
            if let signal = PreparationInterrupt.caughtName {
                printError("barrage hosts: interrupted by \(signal) before checking \(host.name)")
                throw ExitCode(1)
            }
            let start = Loop.hrtime()
            let outcome: CommandRunner.Outcome
            var deployer: Deployer?
            do {
                if let ssh = SSHCommand(host: host, controlDirectory: control, home: home) {
                    let remote = Deployer(host: host.name, ssh: ssh, stopWhen: PreparationInterrupt.isCaught, say: { _ in })
                    deployer = remote
                    try remote.connect()
                    outcome = try remote.run(Self.probe(hash: hash))
                } else {
                    outcome = try CommandRunner.run("/bin/sh", ["-c", Self.probe(hash: hash)], timeoutMs: 10_000)
                }
            } catch {
                deployer?.disconnect(timeoutMs: timeouts.masterExitMs)
                if error is Deployer.Stopped {
                    printError(
                        "barrage hosts: interrupted by \(PreparationInterrupt.caughtName ?? "a signal") while checking \(host.name)"
                    )
                    throw ExitCode(1)
                }
                rows.append([host.name, "no", "-", "-", "-", "-", "-", "-"])
                problems.append("\(error)")
                continue
            }
            let end = Loop.hrtime()
            deployer?.disconnect(timeoutMs: timeouts.masterExitMs)
            let row = Self.row(host: (host.name, host.isLocal), output: outcome.stdout, start: start, end: end)
            rows.append(row.cells)
            if let problem = row.problem { problems.append("\(host.name): \(problem)") }
        }
        print(
            Self.table(
                header: ["host", "reachable", "arch", "cores", "open files", "free ports", "barrage", "clock offset"], rows: rows),
            terminator: "")
        for problem in problems { printError("barrage hosts: \(problem)") }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    static func row(host: (name: String, isLocal: Bool), output: String, start: UInt64, end: UInt64) -> (
        cells: [String], problem: String?
    ) {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 8 else {
            return ([host.name, "yes", "?", "?", "?", "?", "?", "?"], "unexpected answer to the probe: \(output)")
        }
        let arch = lines[0], cores = lines[1], soft = lines[2], hard = lines[3]
        let range = lines[4].split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
        let sockets = max(0, (Int(lines[5]) ?? 0) - 2)
        let free = range.count == 2 ? max(0, range[1] - range[0] + 1 - sockets) : 0
        let remoteNs = Double(lines[6]) ?? 0
        let wallStart = Date().timeIntervalSince1970 * 1e9 - Double(Loop.hrtime() - start)
        let middle = wallStart + Double(end - start) / 2
        let offsetMs = (remoteNs - middle) / 1e6
        let spreadMs = Double(end - start) / 2e6
        let deployed = host.isLocal ? "local" : lines[7]
        var problem: String?
        if arch != "x86_64" { problem = "architecture \(arch): this barrage is built for x86_64" }
        let cells = [
            host.name, "yes", arch, cores, "\(soft) (hard \(hard))", String(free), deployed,
            host.isLocal ? "0 ms" : String(format: "%+.1f ms (±%.1f)", offsetMs, spreadMs)
        ]
        return (cells, problem)
    }

    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }

}
