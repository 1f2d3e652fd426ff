import Foundation
import Testing

extension EndToEnd {
    /// Hosts over SSH: three namespace hosts, server on h1, clients on h2 and h3.
    @Suite struct SSHTests {
        static func topology(_ hosts: TestHosts, name: String, duration: String = "2s", systems: String? = nil) throws -> String {
            """
            name: \(name)
            \(try hosts.hostsYAML())
            systems: \(systems ?? "[ { name: builtin, container: builtin }, { name: python-echo, container: python-echo } ]")
            server: { host: h1 }
            clients: [ { host: h2, workers: 1 }, { host: h3, workers: 1 } ]
            workload: { protocol: tcp-echo, payload: 64B, connections: 10, warmup: 500ms, duration: \(duration) }
            """
        }

        @Test func serverAndClientsOnThreeHostsRunToAComparisonAndDeployOnce() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-run")
            // A home of our own on the hosts (same filesystem): the first run must copy.
            let file = try Harness.topology(try Self.topology(hosts, name: "ssh-three"), in: folder)
            let first = try Harness.run(["launch", file, "--out", folder + "/first"], in: folder, timeout: 180)
            #expect(first.status == 0, "\(first.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/first"))
            #expect(cells.count == 2)
            for cell in cells {
                let system = cell["system"] as? String ?? "?"
                #expect(cell["status"] as? String == "ok", "\(system): \(cell["error"] ?? "")")
                #expect((cell["requests"] as? Int ?? 0) > 0)
                #expect(cell["errors"] as? Int == 0)
                let server = try #require(cell["server"] as? [String: Any])
                #expect((server["rss_peak_bytes"] as? Int ?? 0) > 0)
                let clients = try #require(cell["clients"] as? [String: Any])
                let perHost = (clients["hosts"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String }
                #expect(perHost == ["h2", "h3"], "per-host client figures: \(perHost)")
            }
            // The second run finds everything in place and copies nothing.
            let second = try Harness.run(["launch", file, "--out", folder + "/second"], in: folder, timeout: 180)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(!second.stderr.contains(": copied"), "\(second.stderr)")
            #expect(
                second.stderr.contains("h1: barrage") && second.stderr.contains("already deployed, nothing copied"),
                "\(second.stderr)")
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")

            // `barrage hosts` tells about all three.
            let table = try Harness.run(["hosts", file], in: folder)
            #expect(table.status == 0, "\(table.stderr)")
            for host in ["h1", "h2", "h3"] { #expect(table.stdout.contains("\(host) "), "\(table.stdout)") }
            #expect(table.stdout.contains("deployed"))
            #expect(table.stdout.contains("x86_64"))
        }

        /// The server on this machine, clients on two ssh hosts: they reach it at the address the
        /// topology gives this machine, where it then listens (not on loopback only).
        @Test func localServerServesRemoteClientsAtItsAddress() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-local-server")
            let bridge = (TestHosts.environment["BARRAGE_NETNS_NET"] ?? "") + ".1"
            let yaml = try Self.topology(
                hosts, name: "ssh-local-server", duration: "1s", systems: "[ { name: builtin, container: builtin } ]"
            )
            .replacingOccurrences(of: "hosts:\n", with: "hosts:\n  local: { address: \(bridge) }\n")
            .replacingOccurrences(of: "server: { host: h1 }", with: "server: { host: local }")
            let file = try Harness.topology(yaml, in: folder)
            let run = try Harness.run(["launch", file, "--out", folder + "/results"], in: folder, timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/results")).first)
            #expect(cell["status"] as? String == "ok", "\(cell["error"] ?? "")")
            #expect((cell["requests"] as? Int ?? 0) > 0 && cell["errors"] as? Int == 0)
            let clients = try #require(cell["clients"] as? [String: Any])
            #expect((clients["hosts"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String } == ["h2", "h3"])
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
        }

        @Test func remoteClientWorkerKilledFailsItsCellNamingTheHost() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-kill")
            let file = try Harness.topology(try Self.topology(hosts, name: "ssh-kill", duration: "5s"), in: folder)
            let run = try Harness.Run(["launch", file, "--out", folder + "/results"], in: folder)
            try #require(
                hosts.killOnceMeasuring(run, on: "h3", commandContaining: "barrage worker", timeout: 60),
                "no worker on h3: \(run.stderr)")
            let status = run.wait(timeout: 120)
            #expect(status == 1, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.first?["status"] as? String == "failed")
            let error = cells.first?["error"] as? String ?? ""
            #expect(error.contains("on h3"), "\(error)")
            #expect(cells.last?["status"] as? String == "ok", "the next cell runs: \(cells)")
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
        }

        /// SIGKILL leaves the coordinator no chance to clean up; its ssh-reaper closes the master
        /// connections OpenSSH daemonized, so nothing is left here or on any host.
        @Test func killedCoordinatorLeavesNoSSHMasterOrRemoteWorker() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-sigkill")
            let file = try Harness.topology(
                try Self.topology(
                    hosts, name: "ssh-sigkill", duration: "20s",
                    systems: "[ { name: builtin, container: builtin } ]"), in: folder)
            let run = try Harness.Run(["launch", file, "--out", folder + "/results"], in: folder)
            let control = Harness.sshControlPrefix(run.process.processIdentifier)
            try #require(Harness.eventually(timeout: 60) { run.stderr.contains("measuring") }, "\(run.stderr)")
            #expect(!Harness.processes(containing: control).isEmpty, "masters are up while it runs")
            kill(run.process.processIdentifier, SIGKILL)
            run.wait(timeout: 10)
            #expect(
                Harness.eventually(timeout: 5) { Harness.processes(containing: control).isEmpty },
                "left running: \(Harness.processes(containing: control))")
            #expect(
                Harness.eventually(timeout: 2) { Harness.sshControlFolders(run.process.processIdentifier).isEmpty },
                "control folder left")
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left on the hosts: \(hosts.leftovers())")
            #expect(Harness.eventually(timeout: 2) { Harness.processes(containing: "ssh-reaper").isEmpty })
        }

        @Test func cutConnectionToAClientHostFailsItsCellAndLeavesNothing() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-cut")
            let file = try Harness.topology(
                try Self.topology(
                    hosts, name: "ssh-cut", duration: "20s",
                    systems: "[ { name: builtin, container: builtin } ]"), in: folder)
            let run = try Harness.Run(["launch", file, "--out", folder + "/results"], in: folder)
            try #require(Harness.eventually(timeout: 60) { run.stderr.contains("measuring") }, "\(run.stderr)")
            try hosts.cut("h2")
            let status = run.wait(timeout: 60)
            try hosts.heal("h2")
            #expect(status == 1, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/results")).first)
            #expect(cell["status"] as? String == "failed")
            let error = cell["error"] as? String ?? ""
            #expect(error.contains("on h2"), "\(error)")
            // The worker on h2 hears no heartbeat and takes its coordinator for gone.
            #expect(Harness.eventually(timeout: 20) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
        }

        @Test func unreachableServerHostFailsAtStartNamingIt() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-unreachable")
            let file = try Harness.topology(try Self.topology(hosts, name: "ssh-down"), in: folder)
            try hosts.cut("h1")
            let started = Date()
            let run = try Harness.run(["launch", file, "--out", folder + "/results"], in: folder, timeout: 60)
            #expect(run.status == 1)
            #expect(Date().timeIntervalSince(started) < 30, "took \(Date().timeIntervalSince(started)) s")
            #expect(run.stderr.contains("'h1'"), "\(run.stderr)")
            #expect(Harness.sshControlFolders(run.pid).isEmpty, "ssh control folder left behind")
            #expect(run.stderr.lowercased().contains("timed out") || run.stderr.contains("ssh"), "\(run.stderr)")

            // The preflight says the same: h1 unusable, the others fine, exit 1.
            let table = try Harness.run(["hosts", file], in: folder, timeout: 60)
            #expect(table.status == 1, "\(table.stdout)\(table.stderr)")
            let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first { $0.first == "h1" }?.dropFirst().first == "no", "\(table.stdout)")
            for host in ["h2", "h3"] { #expect(rows.first { $0.first == host }?.dropFirst().first == "yes", "\(table.stdout)") }
            #expect(table.stderr.contains("h1"), "\(table.stderr)")
        }

        /// Ctrl-C while the coordinator still prepares hosts (here: waiting on ssh to reach a host
        /// that does not answer) stops at once, closing every ssh it started.
        @Test func sigintWhilePreparingHostsStopsAtOnceLeavingNoSSH() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-sigint")
            let file = try Harness.topology(try Self.topology(hosts, name: "ssh-sigint"), in: folder)
            try hosts.cut("h1")
            defer { try? hosts.heal("h1") }
            let run = try Harness.Run(["launch", file, "--out", folder + "/results"], in: folder)
            let pid = run.process.processIdentifier
            let control = Harness.sshControlPrefix(pid)
            let sshOf = { Harness.processes(containing: control) }
            try #require(Harness.eventually(timeout: 10) { !sshOf().isEmpty }, "ssh never started: \(run.stderr)")
            usleep(500_000)
            let sent = Date()
            kill(pid, SIGINT)
            let status = run.wait(timeout: 15)
            let took = Date().timeIntervalSince(sent)
            #expect(run.process.terminationReason == .exit && status == 1, "status \(status): \(run.stderr)")
            #expect(took < 3, "took \(took) s to stop after SIGINT")
            #expect(run.stderr.contains("interrupted by SIGINT (Ctrl-C) while preparing hosts"), "\(run.stderr)")
            #expect(Harness.eventually(timeout: 2) { sshOf().isEmpty }, "left running: \(sshOf())")
            #expect(Harness.sshControlFolders(pid).isEmpty, "ssh control folder left behind")
            #expect(!FileManager.default.fileExists(atPath: folder + "/results"), "nothing ran, so no results")
        }

        /// Limits are checked on the server host itself before anything starts: ones it cannot
        /// enforce stop the run (exit 2, naming the host), ones it can are enforced there.
        @Test func serverLimitsAreCheckedOnTheServerHostBeforeTheRun() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-limits")
            func topology(_ name: String, limits: String) throws -> String {
                try Self.topology(hosts, name: name, duration: "1s", systems: "[ { name: builtin, container: builtin } ]")
                    .replacingOccurrences(of: "server: { host: h1 }", with: "server: { host: h1, limits: \(limits) }")
            }
            let impossible = try Harness.topology(
                try topology("ssh-limits-bad", limits: "{ cpuset: \"0-999\" }"), in: folder, name: "bad.yaml")
            let refused = try Harness.run(["launch", impossible, "--out", folder + "/bad"], in: folder, timeout: 120)
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("server.limits cannot be enforced on h1"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/bad"), "nothing ran")

            let possible = try Harness.topology(
                try topology("ssh-limits-ok", limits: "{ cpus: 1, memory: 256MiB }"), in: folder, name: "ok.yaml")
            let run = try Harness.run(["launch", possible, "--out", folder + "/ok"], in: folder, timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("h1: limits"), "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/ok")).first)
            let server = try #require(cell["server"] as? [String: Any])
            #expect((server["cgroup_memory_peak_bytes"] as? Int ?? 0) > 0, "enforced in a cgroup on h1: \(server)")
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
        }

        @Test func hostWhoseKeyIsUnknownIsRefusedWithHowToAcceptIt() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-key")
            let empty = folder + "/empty_known_hosts"
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            let yaml = try Self.topology(hosts, name: "ssh-key")
                .replacingOccurrences(of: hosts.directory + "/known_hosts", with: empty)
            let file = try Harness.topology(yaml, in: folder)
            let run = try Harness.run(["launch", file, "--out", folder + "/results"], in: folder, timeout: 60)
            #expect(run.status == 1)
            #expect(run.stderr.contains("ssh-keyscan"), "\(run.stderr)")
            #expect(run.stderr.contains(empty), "\(run.stderr)")
        }

        /// Topology values never meet a remote shell unquoted: env values full of shell syntax
        /// reach the remote server byte for byte, and nothing in them runs.
        @Test func shellSyntaxInTopologyValuesArrivesVerbatimOnTheRemoteHost() throws {
            let hosts = try TestHosts()
            let folder = try Harness.scratch("ssh-quoting")
            let canary = folder + "/canary"
            let out = folder + "/received.txt"
            let nasty = "a; touch \(canary)-1 $(touch \(canary)-2) `touch \(canary)-3` 'q' \"dq\" \\ spaced  out\nnew line"
            let containers = try Harness.echoRecipe(
                in: folder, name: "envcheck",
                misbehaviour: """
                    open(os.environ["OUT"], "w").write(os.environ["NASTY"])
                    """)
            // YAML double-quoted: escape backslashes, quotes and the newline.
            let yamlValue = nasty.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            let file = try Harness.topology(
                try Self.topology(
                    hosts, name: "ssh-quoting",
                    systems: "[ { name: envcheck, container: envcheck, env: { NASTY: \"\(yamlValue)\", OUT: \"\(out)\" } } ]"),
                in: folder)
            let run = try Harness.run(
                ["launch", file, "--out", folder + "/results", "--containers", containers, "--quiet"],
                in: folder, timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            let received = try String(contentsOfFile: out, encoding: .utf8)
            #expect(received == nasty)
            for suffix in ["-1", "-2", "-3"] {
                #expect(!FileManager.default.fileExists(atPath: canary + suffix), "something in the value ran (\(suffix))")
            }
        }
    }
}
