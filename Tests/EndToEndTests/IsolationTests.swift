import Foundation
import Testing

extension EndToEnd {
    /// What reaches a system under test and who can reach it: the shell's exports stay out of
    /// the measurement, and a server listens on its host's address only.
    @Suite struct IsolationTests {
        /// An exported `BARRAGE_BUILTIN_DELAY=40ms` would hold every reply 40 ms; the builtin
        /// server must not see it, and summary.json names what the system was given.
        @Test func theShellsExportsDoNotReachTheSystem() throws {
            let folder = try Harness.scratch("isolation-env")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = try Harness.topology(
                """
                name: isolation-env
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin, env: { EXAMPLE_KNOB: "on" } } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload: { protocol: grpc, connections: 4, concurrency: 1, warmup: 500ms, duration: 2s }
                """, in: folder)
            let run = try Harness.run(
                ["launch", file, "--out", folder + "/results", "--quiet"], in: folder, timeout: 120,
                environment: ["BARRAGE_BUILTIN_DELAY": "40ms", "GOMAXPROCS": "1", "BARRAGE_CPUS": "7"])
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try Harness.summary(folder + "/results")
            let cell = try #require(Harness.cells(summary).first)
            let p50 = try #require((cell["latency_us"] as? [String: Any])?["p50"] as? Double, "no p50 in \(cell)")
            #expect((cell["requests"] as? Int ?? 0) > 0)
            // Every reply held 40 ms would put p50 at 40,000 µs or more.
            #expect(p50 < 40_000, "p50 \(p50) µs: the shell's BARRAGE_BUILTIN_DELAY reached the server")
            let system = try #require((summary["systems"] as? [[String: Any]])?.first)
            let names = try #require(system["environment"] as? [String], "no environment names in \(system)")
            for given in ["BARRAGE_HOST", "BARRAGE_PORT", "BARRAGE_PROTOCOL", "EXAMPLE_KNOB"] {
                #expect(names.contains(given), "\(given) missing from \(names)")
            }
            for kept in ["BARRAGE_BUILTIN_DELAY", "GOMAXPROCS", "BARRAGE_CPUS"] {
                #expect(!names.contains(kept), "\(kept) reached the system: \(names)")
            }
            #expect(
                !String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/results/summary.json")), as: UTF8.self)
                    .contains("\"on\""), "summary.json holds names, not values")
        }

        /// A server on a host with `address: 127.0.0.2` listens there and nowhere else.
        @Test func aServerListensOnItsHostsAddressOnly() throws {
            let folder = try Harness.scratch("isolation-bind")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = try Harness.topology(
                """
                name: isolation-bind
                hosts: { srv: { address: 127.0.0.2 }, load: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: srv }
                clients: [ { host: load, workers: 1, threads: 1 } ]
                workload: { protocol: grpc, connections: 2, concurrency: 1, warmup: 1s, duration: 4s }
                """, in: folder)
            let run = try Harness.Run(["launch", file, "--out", folder + "/results", "--quiet"], in: folder)
            var listeners: [String] = []
            let seen = Harness.eventually(timeout: 60) {
                guard
                    let server = Harness.processes(containing: " serve ").first(where: { $0.contains("--host 127.0.0.2") }),
                    let pid = Int32(server.prefix { $0 != ":" })
                else { return false }
                listeners = Self.listeningSockets(pid: pid)
                return !listeners.isEmpty
            }
            #expect(run.wait(timeout: 120) == 0, "\(run.stderr)")
            #expect(seen, "no builtin server listening was seen; \(run.stderr)")
            for socket in listeners {
                #expect(socket.hasPrefix("127.0.0.2:"), "the server listens on \(socket): \(listeners)")
            }
            let cell = try #require(Harness.cells(try Harness.summary(folder + "/results")).first)
            #expect(cell["status"] as? String == "ok", "\(cell["error"] ?? "")")
        }

        /// The local addresses (`ADDRESS:PORT`) of the TCP sockets `pid` listens on, from `ss -ltnpH`.
        static func listeningSockets(pid: Int32) -> [String] {
            let ss = Process()
            ss.executableURL = URL(fileURLWithPath: "/usr/bin/ss")
            ss.arguments = ["-ltnpH"]
            let pipe = Pipe()
            ss.standardOutput = pipe
            guard (try? ss.run()) != nil else { return [] }
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            ss.waitUntilExit()
            return output.split(separator: "\n").filter { $0.contains("pid=\(pid),") }.compactMap { line in
                // State Recv-Q Send-Q Local Peer Process
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                return fields.count > 3 ? String(fields[3]) : nil
            }
        }
    }
}
