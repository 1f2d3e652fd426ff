import Foundation
import Testing

extension EndToEnd {
    /// The measurement half of the load-engine issue and the run's provenance, end to end:
    /// `bottleneck`, `timeseries`, `hosts`, `systems`, `topology_sha256`, `barrage_commit`.
    @Suite struct MeasurementTests {
        static func topology(
            name: String, systems: String = "[ { name: builtin, container: builtin } ]",
            limits: String = "", connections: Int = 16, concurrency: Int = 4, rate: String = "max",
            duration: String = "3s"
        ) -> String {
            """
            name: \(name)
            hosts: { local: {} }
            systems: \(systems)
            server: { host: local\(limits.isEmpty ? "" : ", limits: \(limits)") }
            clients: [ { host: local, workers: 1, threads: 1 } ]
            workload: { protocol: grpc, connections: \(connections), concurrency: \(concurrency), rate: \(rate),
                        warmup: 1s, duration: \(duration) }
            """
        }

        /// The lowest idle CPU any client host of `cell` reported, %; 100 when none did.
        static func clientHostIdle(_ cell: [String: Any]) -> Double {
            let hosts = (cell["clients"] as? [String: Any])?["hosts"] as? [[String: Any]] ?? []
            return hosts.compactMap { $0["cpu_idle_percent"] as? Double }.min() ?? 100
        }

        /// Launches `text` until its only cell gets `verdict`, at most `attempts` times; returns
        /// the last run's cell and results folder.
        ///
        /// A run is only repeated when the machine itself was starved (a client host under 10 %
        /// idle: other builds on these two cores), since then `client` is the truthful verdict
        /// and says nothing about the rule under test. Any other miss fails at once.
        static func launch(_ name: String, _ text: String, until verdict: String, attempts: Int = 2)
            throws -> (cell: [String: Any], results: String, stdout: String)
        {
            let folder = try Harness.scratch(name)
            let file = try Harness.topology(text, in: folder)
            var last: (cell: [String: Any], results: String, stdout: String)?
            for attempt in 1...attempts {
                Self.waitForIdleCPU()
                let results = folder + "/results-\(attempt)"
                let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 300)
                #expect(run.status == 0, "\(run.stderr)")
                let cell = try #require(Harness.cells(try Harness.summary(results)).first)
                last = (cell, results, run.stdout)
                print(
                    "MeasurementTests \(name): attempt \(attempt): bottleneck \(cell["bottleneck"] ?? "?"), server "
                        + "\((cell["server"] as? [String: Any])?["cpu_percent"] ?? "?") % of a core, client host \(Self.clientHostIdle(cell)) % idle"
                )
                if cell["bottleneck"] as? String == verdict { break }
                guard Self.clientHostIdle(cell) < 10 else { break }
                print("MeasurementTests \(name): the machine was starved; running it again")
            }
            return try #require(last)
        }

        /// Waits, at most `limit` seconds, until this machine has a quarter of its CPU idle over
        /// a second: the verdicts under test need CPU to spare, and on a developer's 2-core box
        /// a neighbour's compile can take it all for a while. CI's machine is quiet: no wait.
        /// The builtin row's word under the table's `limit` heading: marks may follow it
        /// (`late`, `lower bounds`), so the row's end is not the column.
        static func limitColumn(_ stdout: String) throws -> String {
            let lines = stdout.split(separator: "\n").map(String.init)
            let header = try #require(lines.first { $0.hasPrefix("system ") && $0.contains("  limit") })
            let row = try #require(lines.first { $0.hasPrefix("builtin ") })
            let start = try #require(header.range(of: "  limit")).lowerBound
            let offset = header.distance(from: header.startIndex, to: start) + 2
            guard row.count > offset else { return "" }
            let tail = row.dropFirst(offset)
            return String(tail.prefix { $0 != " " })
        }

        static func waitForIdleCPU(limit: Double = 30) {
            func idleTicks() -> (idle: Double, total: Double) {
                let text = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
                let line = text.split(separator: "\n").first { $0.hasPrefix("cpu ") } ?? ""
                let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
                guard fields.count >= 5 else { return (0, 0) }
                return (fields[3] + fields[4], fields.reduce(0, +))
            }
            let deadline = Date().addingTimeInterval(limit)
            while Date() < deadline {
                let before = idleTicks()
                sleep(1)
                let after = idleTicks()
                let total = after.total - before.total
                if total <= 0 || (after.idle - before.idle) / total >= 0.25 { return }
            }
            print("MeasurementTests: this machine stayed under 25 % idle for \(Int(limit)) s; measuring anyway")
        }

        @Test func aServerHeldToHalfACPUInClosedLoopIsServerCPU() throws {
            let (cell, results, stdout) = try Self.launch(
                "bottleneck-cpu", Self.topology(name: "bottleneck-cpu", limits: "{ cpus: 0.5 }"),
                until: "server-cpu")
            let server = try #require(cell["server"] as? [String: Any])
            let cpu = server["cpu_percent"] as? Double ?? -1
            #expect(
                cell["bottleneck"] as? String == "server-cpu",
                "server at \(cpu) % of a core under cpus 0.5, client host \(Self.clientHostIdle(cell)) % idle")
            // The quota holds it to half a core; a verdict on more would be a wrong figure.
            #expect(cpu >= 45 && cpu <= 55, "\(cpu)")
            #expect(server["cpu_allowance_cores"] as? Double == 0.5, "\(server)")
            // The builtin server was sized on its own host: one loop for half a CPU.
            #expect(
                try String(contentsOfFile: results + "/logs/\(cell["id"] as? String ?? "")/server.log", encoding: .utf8)
                    .contains("--threads 1"))
            // The table says it in words.
            #expect(try Self.limitColumn(stdout) == "server-cpu", "\(stdout)")
            #expect(stdout.contains("limit: server-cpu = the server used ≥ 90 % of its CPU limit"))
        }

        @Test func anOpenLoopFarBelowCapacityIsNone() throws {
            let (cell, _, stdout) = try Self.launch(
                "bottleneck-none", Self.topology(name: "bottleneck-none", rate: "500/s"),
                until: "none")
            #expect(
                cell["bottleneck"] as? String == "none",
                "server \((cell["server"] as? [String: Any])?["cpu_percent"] ?? "?") %, client host \(Self.clientHostIdle(cell)) % idle"
            )
            // Unlimited, the server may use every core of its host (this machine).
            let server = try #require(cell["server"] as? [String: Any])
            #expect(server["cpu_allowance_cores"] as? Double == Double(sysconf(Int32(_SC_NPROCESSORS_ONLN))), "\(server)")
            let rate = cell["requests_per_second"] as? Double ?? 0
            #expect(abs(rate - 500) < 25, "\(rate) req/s at 500/s")
            let clients = try #require(cell["clients"] as? [String: Any])
            // Far below capacity the generator keeps its schedule (a loaded machine may delay a timer or two).
            let requests = cell["requests"] as? Int ?? 0
            #expect((clients["late_sends"] as? Int ?? Int.max) * 100 <= requests, "\(clients)")
            #expect(clients["queued_sends"] is Int, "\(clients)")
            #expect(try Self.limitColumn(stdout) == "-", "\(stdout)")
        }

        @Test func timeseriesHasEverySecondOfTheWindowWithTheServersFigures() throws {
            let folder = try Harness.scratch("timeseries")
            let file = try Harness.topology(Self.topology(name: "timeseries", rate: "1000/s", duration: "4s"), in: folder)
            let run = try Harness.run(["launch", file, "--out", folder + "/results", "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/results")).first)
            let series = try #require(cell["timeseries"] as? [[String: Any]])
            #expect(series.map { $0["t_s"] as? Int } == [0, 1, 2, 3])
            for point in series {
                // 1,000/s: each second holds about a thousand calls (a busy machine may shift a few).
                let requests = point["requests"] as? Int ?? 0
                #expect(requests > 700 && requests < 1_300, "\(point)")
                #expect((point["p50_us"] as? Int ?? 0) > 0, "\(point)")
                #expect((point["p99_us"] as? Int ?? 0) >= (point["p50_us"] as? Int ?? 0), "\(point)")
                let cpu = point["server_cpu_percent"] as? Double ?? -1
                #expect(cpu > 0 && cpu < 200, "\(point)")
                #expect((point["server_rss_bytes"] as? Int ?? 0) > 1 << 20, "\(point)")
            }
            // The seconds add up to the window's count.
            #expect(series.map { $0["requests"] as? Int ?? 0 }.reduce(0, +) == cell["requests"] as? Int)
        }

        @Test func aServerThatFreezesShowsInTheTimeSeries() throws {
            let folder = try Harness.scratch("stall")
            // An echo server that freezes its event loop for 1.5 s once, 2.5 s after it listens:
            // inside the window (the clients connect, warm up for 1 s, then measure for 5 s).
            let containers = try Harness.echoRecipe(
                in: folder, name: "freezer",
                misbehaviour: """
                    import time
                    loop.call_later(2.5, lambda: time.sleep(1.5))
                    """)
            let file = try Harness.topology(
                """
                name: stall
                hosts: { local: {} }
                systems: [ { name: freezer, container: freezer } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: tcp-echo, connections: 10, rate: 200/s, warmup: 1s, duration: 5s }
                """, in: folder)
            let run = try Harness.run(
                ["launch", file, "--out", folder + "/results", "--containers", containers, "--quiet"],
                in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/results")).first)
            let series = try #require(cell["timeseries"] as? [[String: Any]])
            #expect(series.count == 5)
            let requests = series.map { $0["requests"] as? Int ?? 0 }
            let p99s = series.map { $0["p99_us"] as? Int ?? 0 }
            // The calls sent during the freeze are answered when it ends, ~1.5 s late at worst;
            // the seconds around it answer in milliseconds, and the frozen second completes little.
            #expect(p99s.contains { $0 >= 1_000_000 }, "p99 per second: \(p99s)")
            #expect(p99s.contains { $0 < 100_000 }, "p99 per second: \(p99s)")
            #expect((requests.min() ?? 0) * 2 < (requests.max() ?? 0), "requests per second: \(requests)")
            // The whole cell's p99 alone would say only "slow"; the series says when.
            let stalled = try #require(p99s.firstIndex { $0 >= 1_000_000 })
            #expect(series[stalled]["t_s"] as? Int == stalled)
        }

        @Test func summaryNamesHostsSystemsAndTheTopologysHash() throws {
            let folder = try Harness.scratch("provenance")
            let text = Self.topology(
                name: "provenance",
                systems: "[ { name: builtin, container: builtin }, { name: grpc-go, container: grpc-go } ]",
                duration: "1s")
            let file = try Harness.topology(text, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results], in: folder, timeout: 600)
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try Harness.summary(results)

            let hosts = try #require(summary["hosts"] as? [[String: Any]])
            #expect(hosts.count == 1)
            let host = try #require(hosts.first)
            #expect(host["name"] as? String == "local")
            var names = utsname()
            uname(&names)
            let hostname = withUnsafeBytes(of: &names.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            #expect(host["hostname"] as? String == hostname)
            #expect((host["kernel"] as? String ?? "").isEmpty == false)
            #expect(host["cores"] as? Int == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            #expect((host["memory_bytes"] as? Int ?? 0) > 256 << 20)
            #expect(host["cpu_model"] is String)

            let systems = try #require(summary["systems"] as? [[String: Any]])
            #expect(systems.map { $0["name"] as? String } == ["builtin", "grpc-go"])
            let builtin = try #require(systems[0]["versions"] as? [String: String])
            #expect(Set(builtin.keys) == ["barrage", "libuv", "nghttp2"])
            #expect(builtin["barrage"] == summary["barrage"] as? String)
            #expect(builtin["libuv"]?.first?.isNumber == true && builtin["nghttp2"]?.first?.isNumber == true, "\(builtin)")
            // grpc-go's come from the versions.txt its build wrote, "go go1.19.8" read as "1.19.8".
            let goVersions = try #require(systems[1]["versions"] as? [String: String])
            #expect(systems[1]["container"] as? String == "grpc-go")
            let cache = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/barrage/build/grpc-go/versions.txt"
            let versionsText = try String(contentsOfFile: cache, encoding: .utf8)
            let grpcLine = try #require(versionsText.split(separator: "\n").first { $0.hasPrefix("grpc-go ") })
            #expect(goVersions["grpc-go"] == String(grpcLine.dropFirst("grpc-go ".count)))
            let go = try #require(goVersions["go"])
            #expect(go.first?.isNumber == true, "\(go)")

            // The header line names them.
            let versionsLine = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("versions: ") })
            #expect(
                versionsLine.contains(
                    "builtin (barrage \(builtin["barrage"]!), libuv \(builtin["libuv"]!), nghttp2 \(builtin["nghttp2"]!))"))
            #expect(versionsLine.contains("grpc-go \(goVersions["grpc-go"]!) (go \(go))"), "\(versionsLine)")

            // The topology as run, hashed; the commit of this checkout (the tests run from one).
            let expected = try Self.sha256(of: results + "/topology.yaml")
            #expect(summary["topology_sha256"] as? String == expected)
            if FileManager.default.fileExists(atPath: Harness.packageRoot + "/.git") {
                let commit = summary["barrage_commit"] as? String ?? ""
                #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "\(summary["barrage_commit"] ?? "nil")")
            } else {
                #expect(summary["barrage_commit"] is NSNull, "a binary outside a checkout names no commit")
            }

            // `barrage report` rebuilds the same from the node files.
            let report = try Harness.run(["report", results, "--format", "json"], in: folder)
            #expect(report.status == 0, "\(report.stderr)")
            let rebuilt = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
            #expect((rebuilt["systems"] as? [[String: Any]])?.count == 2)
            #expect(rebuilt["topology_sha256"] as? String == expected)
        }

        /// `sha256sum FILE`'s digest.
        static func sha256(of path: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = [path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(String(decoding: data, as: UTF8.self).prefix(64))
        }
    }
}
