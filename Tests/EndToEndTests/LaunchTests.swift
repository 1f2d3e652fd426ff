import Foundation
import Testing

/// Whole runs of `barrage launch` with real worker, server and recipe processes.
extension EndToEnd {
    @Suite struct LaunchTests {
        static func topology(name: String, duration: String = "2s", warmup: String = "500ms", connections: String = "[20]")
            -> String
        {
            """
            name: \(name)
            hosts:
              local: {}
            systems:
              - name: builtin
                container: builtin
              - name: python-echo
                container: python-echo
            server:
              host: local
              port: 0
            clients:
              - host: local
                workers: 2
            workload:
              protocol: tcp-echo
              payload: 64B
              connections: \(connections)
              warmup: \(warmup)
              duration: \(duration)
            """
        }

        @Test func twoSystemsTwoWorkersProduceAComparison() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("two-systems")
            let file = try Harness.topology(Self.topology(name: "two-systems"), in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stdout.contains("builtin"))
            #expect(run.stdout.contains("python-echo"))
            #expect(run.stderr.isEmpty, "--quiet prints nothing on stderr: \(run.stderr)")

            let summary = try Harness.summary(results)
            #expect(summary["status"] as? String == "ok")
            #expect(summary["topology"] as? String == "two-systems")
            let cells = Harness.cells(summary)
            #expect(cells.map { $0["system"] as? String } == ["builtin", "python-echo"])
            for cell in cells {
                let system = cell["system"] as? String ?? "?"
                #expect(cell["status"] as? String == "ok", "\(system): \(cell["error"] ?? "")")
                #expect(cell.keys.contains("error"))
                #expect((cell["requests"] as? Int ?? 0) > 0, "\(system) made no requests")
                #expect((cell["requests_per_second"] as? Double ?? 0) > 0)
                #expect(cell["errors"] as? Int == 0, "\(system) errors: \(cell["errors_by_kind"] ?? "")")
                let latency = try #require(cell["latency_us"] as? [String: Any])
                let p50 = latency["p50"] as? Int ?? -1, p99 = latency["p99"] as? Int ?? -1, max = latency["max"] as? Int ?? -1
                #expect(p50 > 0 && p50 <= p99 && p99 <= max, "\(system): p50 \(p50) p99 \(p99) max \(max)")
                let server = try #require(cell["server"] as? [String: Any])
                #expect((server["rss_peak_bytes"] as? Int ?? 0) > 0, "\(system) server RSS")
                #expect((server["cpu_percent"] as? Double ?? 0) > 0, "\(system) server CPU")
                let clients = try #require(cell["clients"] as? [String: Any])
                #expect(clients["workers"] as? Int == 2)
                #expect(clients["connections_established"] as? Int == 20)
                let duration = cell["duration_s"] as? Double ?? 0
                #expect(duration > 1.5 && duration < 3, "window \(duration) s for a 2 s duration")
            }
            // Raw node files with their histograms, and the logs.
            for cell in ["builtin-c20-r1", "python-echo-c20-r1"] {
                for node in ["cell", "server", "client-1", "client-2"] {
                    #expect(
                        FileManager.default.fileExists(atPath: "\(results)/nodes/\(cell)/\(node).json"), "\(cell)/\(node).json")
                }
                #expect(FileManager.default.fileExists(atPath: "\(results)/logs/\(cell)/server.log"))
            }
            let client = try String(contentsOfFile: "\(results)/nodes/builtin-c20-r1/client-1.json", encoding: .utf8)
            #expect(client.contains("\"buckets\""))
            #expect(FileManager.default.fileExists(atPath: results + "/summary.md"))
            #expect(FileManager.default.fileExists(atPath: results + "/topology.yaml"))
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")

            // `barrage report` re-renders the same comparison from the node files.
            let report = try Harness.run(["report", results, "--format", "json"], in: folder)
            #expect(report.status == 0)
            let rerendered = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
            #expect(Harness.cells(rerendered).map { $0["requests"] as? Int } == cells.map { $0["requests"] as? Int })
        }

        @Test func clientWorkerKilledMidMeasurementFailsOnlyItsCell() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("kill-client")
            let file = try Harness.topology(Self.topology(name: "kill-client", duration: "4s"), in: folder)
            let results = folder + "/results"
            let run = try Harness.Run(["launch", file, "--out", results], in: folder)

            // The client worker writes its pid into its log as it starts.
            let log = "\(results)/logs/builtin-c20-r1/client-2.log"
            var victim: Int32?
            let found = Harness.eventually(timeout: 30) {
                guard let text = try? String(contentsOfFile: log, encoding: .utf8),
                    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("barrage worker ") })
                else { return false }
                victim = Int32(line.dropFirst("barrage worker ".count).prefix { $0.isNumber })
                return victim != nil
            }
            try #require(found, "client-2 never started: \(run.stderr)")
            // Into the measurement window: 0.5 s warmup, then 4 s of measuring.
            // Progress lines appear on stderr although it is not a terminal.
            #expect(Harness.eventually(timeout: 20) { run.stderr.contains("measuring") || !run.process.isRunning })
            #expect(run.stderr.contains("[1/2] builtin c20 r1 · measuring"), "\(run.stderr)")
            usleep(1_000_000)
            kill(try #require(victim), SIGKILL)

            let status = run.wait(timeout: 60)
            #expect(status == 1, "stderr: \(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            try #require(cells.count == 2, "\(cells)")
            #expect(cells[0]["status"] as? String == "failed")
            let error = cells[0]["error"] as? String ?? ""
            #expect(error.contains("client-2 on local"), "error: \(error)")
            #expect(error.contains("SIGKILL"), "error: \(error)")
            #expect(cells[1]["status"] as? String == "ok", "\(cells[1]["error"] ?? "")")
            #expect((cells[1]["requests"] as? Int ?? 0) > 0)
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        @Test func sigintStopsTheRunKeepingFinishedCells() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("sigint")
            let file = try Harness.topology(Self.topology(name: "sigint", duration: "3s"), in: folder)
            let results = folder + "/results"
            let run = try Harness.Run(["launch", file, "--out", results], in: folder)

            // Wait until the first cell is written and the second one is under way.
            let secondStarted = Harness.eventually(timeout: 40) {
                guard let summary = try? Harness.summary(results) else { return false }
                return Harness.cells(summary).count == 1
                    && FileManager.default.fileExists(atPath: "\(results)/logs/python-echo-c20-r1/client-1.log")
            }
            try #require(secondStarted, "second cell never started: \(run.stderr)")
            usleep(1_500_000)
            let sent = Date()
            kill(run.process.processIdentifier, SIGINT)
            let status = run.wait(timeout: 10)
            let took = Date().timeIntervalSince(sent)
            #expect(status == 1)
            #expect(took < 5, "took \(took) s to stop after SIGINT")

            let summary = try Harness.summary(results)
            #expect(summary["status"] as? String == "interrupted")
            let cells = Harness.cells(summary)
            #expect(cells.first?["status"] as? String == "ok", "the finished cell is kept")
            #expect((cells.first?["requests"] as? Int ?? 0) > 0)
            #expect(cells.count <= 2)
            if cells.count == 2 { #expect(cells[1]["status"] as? String == "interrupted") }
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        /// A first build can take minutes: the progress line says the server is building its
        /// recipe rather than just "starting server".
        @Test func progressSaysWhileTheServerBuildsItsRecipe() throws {
            let folder = try Harness.scratch("slow-build")
            let containers = try Harness.echoRecipe(in: folder, name: "slow", misbehaviour: "pass")
            try "#!/bin/sh\necho building slowly >&2\nsleep 5\n".write(
                toFile: containers + "/slow/build", atomically: true, encoding: .utf8)
            chmod(containers + "/slow/build", 0o755)
            let file = try Harness.topology(
                """
                name: slow-build
                hosts: { local: {} }
                systems: [ { name: slow, container: slow } ]
                server: { host: local }
                clients: [ { host: local } ]
                workload: { protocol: tcp-echo, connections: 5, warmup: 200ms, duration: 500ms }
                """, in: folder)
            let run = try Harness.run(["launch", file, "--out", folder + "/results", "--containers", containers], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("[1/1] slow c5 r1 · building slow"), "\(run.stderr)")
            let log = (try? String(contentsOfFile: folder + "/results/logs/slow-c5-r1/server.log", encoding: .utf8)) ?? ""
            #expect(log.contains("building slowly"), "the build's output is in the server's log: \(log)")
        }

        @Test func repeatsShowMediansAndReportRerendersTheSameTable() throws {
            let folder = try Harness.scratch("repeats")
            let file = try Harness.topology(
                """
                name: repeats
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: tcp-echo, connections: [4, 8], warmup: 200ms, duration: 1s, repeat: 3 }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            #expect(cells.count == 6, "every repeat is a cell of its own in summary.json")
            #expect(run.stdout.contains("3/3 ok"), "\(run.stdout)")
            #expect(run.stdout.contains("–"), "a spread (min–max) is shown: \(run.stdout)")
            #expect(run.stdout.contains("scaling"), "\(run.stdout)")
            let report = try Harness.run(["report", results], in: folder)
            #expect(report.status == 0)
            #expect(report.stdout == run.stdout, "report:\n\(report.stdout)\nlaunch:\n\(run.stdout)")
        }

        @Test(arguments: ["quick-local", "grpc-local", "production-1cpu", "staging"])
        func shippedTopologiesValidate(name: String) throws {
            let folder = try Harness.scratch("shipped")
            let run = try Harness.run(["validate", Harness.packageRoot + "/Topologies/\(name).yaml"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Plan '\(name)'"))
        }

        /// Connections waiting for their connect batch are not timed out while they wait.
        @Test func threeThousandEchoConnectionsFromOneWorkerAllEstablish() throws {
            let folder = try Harness.scratch("echo-3000")
            let file = try Harness.topology(
                """
                name: echo-3000
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: tcp-echo, connections: 3000, warmup: 500ms, duration: 1s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let clients = try #require(cell["clients"] as? [String: Any])
            #expect(clients["connections_established"] as? Int == 3000)
            #expect(cell["errors"] as? Int == 0, "\(cell["errors_by_kind"] ?? "")")
        }
    }
}
