import Foundation
import Testing

extension EndToEnd {
    /// Several server replicas per cell on namespace hosts: three servers on h1…h3, load from
    /// three more hosts h4…h6 with two workers each.
    @Suite struct ReplicasTests {
        /// h1 … h6, under a prefix and subnet of this suite's own (SSHTests brings up three hosts
        /// under the default ones).
        static func sixHosts() throws -> TestHosts {
            try TestHosts(count: 6, prefix: "bt-e2e-r", net: "10.232.9")
        }

        static func topology(_ hosts: TestHosts, name: String, server: String, duration: String, repeats: Int = 1) throws
            -> String
        {
            """
            name: \(name)
            \(try hosts.hostsYAML())
            systems: [ { name: builtin, container: builtin } ]
            server: \(server)
            clients: [ { host: h4, workers: 2 }, { host: h5, workers: 2 }, { host: h6, workers: 2 } ]
            workload: { protocol: grpc, call: unary, connections: 12, warmup: 500ms, duration: \(duration), repeat: \(repeats) }
            """
        }

        /// CPU seconds a server node file says its process tree used inside the window.
        static func windowCPUSeconds(_ path: String) throws -> Double {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let node = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let window = try #require(node["window"] as? [String: Any], "no window in \(path)")
            let start = try #require(window["start_ms"] as? Double), end = try #require(window["end_ms"] as? Double)
            // Samples leave the worker as they are taken (`<node>.samples.jsonl`, one a line);
            // the node file keeps those sent with its result.
            let samplesPath = String(path.dropLast(".json".count)) + ".samples.jsonl"
            let streamed = ((try? String(contentsOfFile: samplesPath, encoding: .utf8)) ?? "")
                .split(separator: "\n").compactMap { line in
                    try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                }
            let inside = (streamed + (node["samples"] as? [[String: Any]] ?? [])).filter {
                let time = $0["t_ms"] as? Double ?? -1
                return time >= start && time <= end
            }.compactMap { $0["cpu_s"] as? Double }
            guard let first = inside.first, let last = inside.last else { return 0 }
            return last - first
        }

        @Test func everyReplicaOfASweepCarriesLoad() throws {
            let hosts = try Self.sixHosts()
            let folder = try Harness.scratch("replicas")
            let file = try Harness.topology(
                try Self.topology(
                    hosts, name: "replicas", server: "{ hosts: [h1, h2, h3], replicas: [1, 2, 3] }",
                    duration: "2s"), in: folder)
            let validate = try Harness.run(["validate", file], in: folder)
            #expect(validate.status == 0, "\(validate.stderr)")
            #expect(validate.stdout.contains("server-3  role server  on h3"), "\(validate.stdout)")

            let run = try Harness.run(["launch", file, "--out", folder + "/results"], in: folder, timeout: 240)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(
                cells.compactMap { $0["id"] as? String } == [
                    "builtin-replicas1-c12-r1", "builtin-replicas2-c12-r1", "builtin-replicas3-c12-r1"
                ])
            #expect(cells.compactMap { $0["replicas"] as? Int } == [1, 2, 3])
            // The comparison's scaling line over replicas, with the efficiency of 2 and 3.
            let scaling = run.stdout.split(separator: "\n").first {
                $0.contains("scaling builtin") && $0.contains("over replicas")
            }
            #expect(scaling?.contains("1 → 2 → 3") == true && scaling?.contains("efficiency") == true, "\(run.stdout)")
            print("ReplicasTests comparison:\n\(run.stdout)")
            // Per-replica figures from the second replica up, on the replica's own host.
            for (index, cell) in cells.enumerated() {
                let servers = cell["servers"] as? [[String: Any]] ?? []
                #expect(
                    servers.compactMap { $0["host"] as? String } == (index == 0 ? [] : (1...index + 1).map { "h\($0)" }),
                    "\(cell)")
            }
            for cell in cells {
                #expect(cell["status"] as? String == "ok", "\(cell["id"] ?? ""): \(cell["error"] ?? "")")
                #expect((cell["requests"] as? Int ?? 0) > 0 && cell["errors"] as? Int == 0, "\(cell)")
                let clients = try #require(cell["clients"] as? [String: Any])
                #expect((clients["hosts"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String } == ["h4", "h5", "h6"])
            }
            // One node file per replica, each on its own host, each of which served: CPU in the window.
            let nodes = folder + "/results/nodes/"
            #expect(
                FileManager.default.fileExists(atPath: nodes + "builtin-replicas1-c12-r1/server.json"),
                "one replica keeps `server`")
            for (cell, count) in [("builtin-replicas2-c12-r1", 2), ("builtin-replicas3-c12-r1", 3)] {
                var cpus: [Double] = []
                for replica in 1...count {
                    let path = nodes + "\(cell)/server-\(replica).json"
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    let node = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                    #expect(node["host"] as? String == "h\(replica)")
                    cpus.append(try Self.windowCPUSeconds(path))
                }
                // The 12 connections take the replicas in turn, an equal share each: any replica
                // under a quarter of the busiest one's CPU did not carry its share.
                let busiest = cpus.max() ?? 0
                #expect(busiest > 0, "no replica of \(cell) used CPU in the window: \(cpus)")
                for (index, cpu) in cpus.enumerated() {
                    #expect(
                        cpu >= busiest / 4,
                        "server-\(index + 1) of \(cell) used \(cpu) s of CPU against the busiest's \(busiest) s: not its share")
                }
            }
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
            #expect(Harness.processes(containing: Harness.sshControlPrefix(run.pid)).isEmpty, "ssh master left")
        }

        @Test func aKilledReplicaFailsOnlyItsCellNamingTheHost() throws {
            let hosts = try Self.sixHosts()
            let folder = try Harness.scratch("replicas-kill")
            let file = try Harness.topology(
                try Self.topology(
                    hosts, name: "replicas-kill", server: "{ hosts: [h1, h2, h3] }",
                    duration: "4s", repeats: 2), in: folder)
            let run = try Harness.Run(["launch", file, "--out", folder + "/results"], in: folder)
            try #require(
                hosts.killOnceMeasuring(run, on: "h2", commandContaining: " serve --protocol", timeout: 90),
                "no builtin server on h2: \(run.stderr) \(hosts.processes("h2"))")
            let status = run.wait(timeout: 120)
            #expect(status == 1, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(folder + "/results"))
            #expect(cells.count == 2)
            #expect(cells.first?["status"] as? String == "failed")
            let error = cells.first?["error"] as? String ?? ""
            #expect(error.contains("server-2 on h2"), "\(error)")
            #expect(cells.last?["status"] as? String == "ok", "the next cell runs: \(cells.last ?? [:])")
            #expect(Harness.eventually(timeout: 12) { hosts.leftovers().isEmpty }, "left running: \(hosts.leftovers())")
            #expect(
                Harness.eventually(timeout: 5) {
                    Harness.processes(containing: Harness.sshControlPrefix(run.process.processIdentifier)).isEmpty
                },
                "ssh master left")
        }
    }
}
