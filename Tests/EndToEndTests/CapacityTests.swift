import Foundation
import Testing

extension EndToEnd {
    /// Sweeps, the SLO gate and `rate: search`, end to end, against `spin-echo`: a one-thread
    /// tcp-echo server that spins 1 ms per message, so its capacity is 1,000/s by construction
    /// (a little less: select, recv and send cost something too).
    @Suite struct CapacityTests {
        static let containers = Harness.packageRoot + "/Tests/fixtures/capacity-containers"

        /// Runs `barrage ARGS` in a session of its own at nice −20 (its autogroup too), so that
        /// other work on the machine (parallel builds) does not starve the load generator: an
        /// open-loop latency counts from the schedule, and a starved generator would be measured
        /// instead of the server. The spin server takes the same priority itself; the builtin
        /// server (a session of its own, started by its worker) is given it while the run goes on.
        /// A limited server runs in a cgroup, where autogroups do not reach: its cgroup (and the
        /// `barrage` parent, restored after the run) get the largest CPU weight instead. Limits
        /// still hold: a cgroup's CPU quota caps a process whatever its weight.
        static func launch(_ arguments: [String], in folder: String, timeout: Double = 240)
            throws -> (status: Int32, stdout: String, stderr: String)
        {
            let process = Process()
            let stdoutPath = folder + "/stdout.txt"
            let stderrPath = folder + "/stderr.txt"
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            // --wait: setsid forks when its caller leads a process group, and would exit at once.
            process.arguments =
                [
                    "--wait", "/bin/sh", "-c", "echo -20 > /proc/$$/autogroup 2>/dev/null; exec nice -n -20 \"$0\" \"$@\"",
                    Harness.binary
                ] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: Harness.packageRoot)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(timeout)
            var boosted: Set<Int32> = []
            let parentShares = "/sys/fs/cgroup/cpu/barrage/cpu.shares"
            let savedShares = try? String(contentsOfFile: parentShares, encoding: .utf8)
            defer { if let savedShares { try? savedShares.write(toFile: parentShares, atomically: false, encoding: .utf8) } }
            while process.isRunning && Date() < deadline {
                usleep(50_000)
                boostBuiltinServers(&boosted)
            }
            if process.isRunning {
                Issue.record("barrage did not exit within \(timeout) s; killing it")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
            return (process.terminationStatus, read(stdoutPath), read(stderrPath))
        }

        /// Puts this checkout's running builtin servers at the run's priority (once each).
        static func boostBuiltinServers(_ done: inout Set<Int32>) {
            for entry in Harness.processes(where: { pid, command in
                !done.contains(pid) && command.hasPrefix(Harness.packageRoot + "/.build/") && command.contains("/barrage serve ")
            }) {
                guard let pid = Int32(entry.prefix { $0 != ":" }) else { continue }
                done.insert(pid)
                try? "-20".write(toFile: "/proc/\(pid)/autogroup", atomically: false, encoding: .utf8)
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), -20)
                boostCgroup(of: pid)
            }
        }

        /// The largest cgroup v1 CPU weight for the cgroup `pid` is in, and for its `barrage` parent.
        static func boostCgroup(of pid: Int32) {
            guard let table = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else { return }
            for line in table.split(separator: "\n") {
                let fields = line.split(separator: ":", maxSplits: 2).map(String.init)
                guard fields.count == 3, fields[1].split(separator: ",").contains("cpu"), fields[2].hasPrefix("/barrage/") else {
                    continue
                }
                let mount =
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/fs/cgroup/cpu")).map { _ in
                        "/sys/fs/cgroup/cpu"
                    }
                    ?? "/sys/fs/cgroup/cpu"
                for folder in [mount + "/barrage", mount + fields[2]] {
                    try? "262144".write(toFile: folder + "/cpu.shares", atomically: false, encoding: .utf8)
                }
            }
        }

        static func topology(
            name: String, systems: String = "[ { name: spin, container: spin-echo } ]",
            limits: String = "", workload: String
        ) -> String {
            """
            name: \(name)
            hosts: { local: {} }
            systems: \(systems)
            server: { host: local\(limits.isEmpty ? "" : ", limits: \(limits)") }
            clients: [ { host: local } ]
            workload: \(workload)
            """
        }

        @Test func searchFindsTheCapacityOfAServerThatSpinsOneMillisecondPerCall() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("capacity-search")
            // A 4 s trial 3 % past capacity queues 120 calls, so its last 10 % wait over 100 ms:
            // p90 ≤ 100 ms sees it. A stall of the machine (other tests' busy loops, builds) holds
            // up every call due during it; it would take 400 ms of stall to move p90, where p99
            // moves after 40.
            let file = try Harness.topology(
                Self.topology(
                    name: "search",
                    workload: """
                        { protocol: tcp-echo, connections: 10, rate: search, slo: { p90: 100ms },
                          search: { start: 400/s, trial: 4s, precision: 5% }, warmup: 1s, duration: 4s }
                        """), in: folder)
            let run = try Self.launch(["launch", file, "--out", folder + "/results", "--containers", Self.containers], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try Harness.summary(folder + "/results")
            let capacity = try #require((summary["capacity"] as? [[String: Any]])?.first)
            let rate = try #require(capacity["rate_per_second"] as? Double)
            #expect(
                rate >= 850 && rate <= 1_150, "found \(rate)/s for a capacity of 1,000/s; trials: \(capacity["trials"] ?? "-")")
            #expect(capacity["confirmed"] as? Bool == true)
            #expect(capacity["limited_by_generator"] as? Bool == false)
            #expect(capacity["cell"] as? String == "spin-c10-rsearch-1")
            let trials = try #require(capacity["trials"] as? [[String: Any]])
            // 400, 800 met; 1,600 missed; then bisection: at least one miss above what was found.
            #expect(trials.count >= 5)
            #expect(trials.first?["rate_per_second"] as? Double == 400)
            #expect(trials.contains { $0["met"] as? Bool == false && ($0["rate_per_second"] as? Double ?? 0) > rate })
            #expect(trials.last?["confirm"] as? Bool == true)
            #expect(run.stderr.contains("capacity spin c10 · trial 1 · 400/s · p99 "), "\(run.stderr)")
            // The cell's figures are the confirm run's: the rate found, the SLO held.
            let cell = try #require(Harness.cells(summary).first)
            #expect(cell["rate_per_second"] as? Double == rate)
            #expect(cell["slo_met"] as? Bool == true)
            let served = cell["requests_per_second"] as? Double ?? 0
            #expect(abs(served - rate) < rate * 0.05, "confirm run served \(served)/s at \(rate)/s")
            #expect(run.stdout.contains("capacity (highest open-loop rate meeting the SLO"), "\(run.stdout)")
            // One server process for the whole search: one server log, a client log per trial.
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/results/logs/spin-c10-rsearch-1")) ?? []
            #expect(logs.filter { $0.hasPrefix("server") } == ["server.log"])
            #expect(logs.filter { $0.hasPrefix("client-1") }.count == trials.count)
            let serverLog =
                (try? String(contentsOfFile: folder + "/results/logs/spin-c10-rsearch-1/server.log", encoding: .utf8)) ?? ""
            #expect(serverLog.components(separatedBy: "barrage: starting spin").count == 2, "\(serverLog)")
            #expect(Harness.eventually(timeout: 5) { Harness.barrageProcesses(except: before).isEmpty })
        }

        @Test func rateSweepGivesACellPerRateAndAMissedSLOExitsThreeNamingCellAndBound() throws {
            let folder = try Harness.scratch("rate-sweep")
            let file = try Harness.topology(
                Self.topology(
                    name: "sweep",
                    workload: """
                        { protocol: tcp-echo, connections: 10, rate: [300/s, 600/s, 1500/s], slo: { p99: 100ms },
                          warmup: 1s, duration: 3s }
                        """), in: folder)
            let run = try Self.launch(["launch", file, "--out", folder + "/results", "--containers", Self.containers], in: folder)
            #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.map { $0["id"] as? String ?? "" } == ["spin-c10-r300-1", "spin-c10-r600-1", "spin-c10-r1500-1"])
            #expect(cells.map { $0["rate_per_second"] as? Double ?? 0 } == [300, 600, 1_500])
            let p99 = cells.map { (($0["latency_us"] as? [String: Any])?["p99"] as? Double) ?? 0 }
            // Past capacity the queue grows for the whole window: p99 climbs by orders of magnitude.
            #expect(p99[2] > 5 * p99[0] && p99[2] > 300_000, "p99 by rate: \(p99)")
            #expect(cells.map { $0["slo_met"] as? Bool } == [true, true, false], "p99 by rate: \(p99)")
            let misses = cells[2]["slo_misses"] as? [String] ?? []
            #expect(misses.count == 1 && misses[0].hasPrefix("p99 ") && misses[0].hasSuffix(" > 100ms"), "\(misses)")
            #expect(run.stdout.contains("slo missed (exit 3):\n  spin c10 1500/s r1: p99 "), "\(run.stdout)")
        }

        @Test func aFailedCellWinsOverAMissedSLO() throws {
            let folder = try Harness.scratch("slo-and-failure")
            let containers = folder + "/containers"
            try FileManager.default.createDirectory(atPath: containers + "/broken", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: containers + "/spin-echo", withDestinationPath: Self.containers + "/spin-echo")
            try "#!/bin/sh\necho 'broken: exits at once' >&2\nexit 1\n".write(
                toFile: containers + "/broken/run", atomically: true, encoding: .utf8)
            chmod(containers + "/broken/run", 0o755)
            let file = try Harness.topology(
                Self.topology(
                    name: "both", systems: "[ { name: spin, container: spin-echo }, { name: broken, container: broken } ]",
                    workload:
                        "{ protocol: tcp-echo, connections: 10, rate: 1500/s, slo: { p99: 100ms }, warmup: 1s, duration: 2s }"),
                in: folder)
            let run = try Self.launch(["launch", file, "--out", folder + "/results", "--containers", containers], in: folder)
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.map { $0["status"] as? String ?? "" } == ["ok", "failed"])
            #expect(cells.first?["slo_met"] as? Bool == false)
        }

        @Test func cpuSweepHalvesTheCallsOfAServerWithAFixedCPUCostPerCall() throws {
            // spin-echo on its CPU clock: every message costs 1 ms of CPU, so a quota of q cores
            // answers q × 1,000 messages a second by construction: 250/s and 500/s here.
            let folder = try Harness.scratch("cpu-sweep-spin")
            let file = try Harness.topology(
                Self.topology(
                    name: "cpus", systems: "[ { name: spin, container: spin-echo, env: { SPIN_CLOCK: cpu } } ]",
                    limits: "{ cpus: [0.25, 0.5] }",
                    workload: "{ protocol: tcp-echo, connections: 10, warmup: 1s, duration: 4s }"), in: folder)
            let run = try Self.launch(["launch", file, "--out", folder + "/results", "--containers", Self.containers], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.map { $0["id"] as? String ?? "" } == ["spin-cpus0.25-c10-r1", "spin-cpus0.5-c10-r1"])
            let rates = cells.map { $0["requests_per_second"] as? Double ?? 0 }
            let cpu = cells.map { (($0["server"] as? [String: Any])?["cpu_percent"] as? Double) ?? 0 }
            let figures = "req/s \(rates) at cpus 0.25 and 0.5 (server CPU \(cpu) %)"
            #expect(rates.count == 2 && abs(rates[0] - 250) <= 25 && abs(rates[1] - 500) <= 50, "\(figures)")
            #expect(cells.map { $0["bottleneck"] as? String } == ["server-cpu", "server-cpu"], "\(figures)")
            let ratio = (rates.last ?? 0) / max(1, rates.first ?? 0)
            #expect(ratio >= 1.8 && ratio <= 2.2, "\(figures)")
        }

        @Test func cpuSweepLimitsTheBuiltinServerToItsQuota() throws {
            // A quarter and half a core: on a 2-core machine the client keeps a whole core of its
            // own, so the server, not the generator, is what the quota limits in both cells (at one
            // core the builtin server would outrun the one client thread here).
            let folder = try Harness.scratch("cpu-sweep")
            let file = try Harness.topology(
                Self.topology(
                    name: "cpus", systems: "[ { name: builtin, container: builtin } ]", limits: "{ cpus: [0.25, 0.5] }",
                    workload: "{ protocol: grpc, connections: 20, concurrency: 4, warmup: 1s, duration: 4s }"), in: folder)
            let run = try Self.launch(["launch", file, "--out", folder + "/results"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.map { $0["id"] as? String ?? "" } == ["builtin-cpus0.25-c20-r1", "builtin-cpus0.5-c20-r1"])
            #expect(cells.map { $0["cpus"] as? Double ?? 0 } == [0.25, 0.5])
            let rates = cells.map { $0["requests_per_second"] as? Double ?? 0 }
            let cpu = cells.map { (($0["server"] as? [String: Any])?["cpu_percent"] as? Double) ?? 0 }
            #expect(rates[0] > 0)
            // The quota holds, and each server used it up (plus sampling slack).
            #expect(cpu[0] > 18 && cpu[0] <= 30, "cpus 0.25 used \(cpu[0]) % of a core")
            #expect(cpu[1] > 40 && cpu[1] <= 58, "cpus 0.5 used \(cpu[1]) % of a core")
            #expect(cells.map { $0["bottleneck"] as? String } == ["server-cpu", "server-cpu"])
            // More CPU, clearly more calls, but not exactly twice: the builtin server's cost per
            // call depends on how many calls each wake-up finds, and that changes with the quota
            // (CI measured 31 µs a call at 0.25 and 24 µs at 0.5: a ratio of 2.56). The exact
            // ratio is the fixed-cost test's above.
            let ratio = rates[1] / max(1, rates[0])
            #expect(ratio >= 1.5 && ratio <= 3.2, "req/s \(rates) at cpus 0.25 and 0.5 (server CPU \(cpu) %)")
        }
    }
}
