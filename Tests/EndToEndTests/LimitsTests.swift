import Foundation
import Testing

extension EndToEnd {
    /// `server.limits` enforced with cgroups, end to end (needs root, as CI and `make test` have).
    @Suite struct LimitsTests {
        static func topology(name: String, limits: String, systems: String = "[ { name: builtin, container: builtin } ]")
            -> String
        {
            """
            name: \(name)
            hosts: { local: {} }
            systems: \(systems)
            server: { host: local\(limits.isEmpty ? "" : ", limits: \(limits)") }
            clients: [ { host: local, workers: 2 } ]
            workload: { protocol: tcp-echo, connections: 20, warmup: 500ms, duration: 3s }
            """
        }

        static func serverCPU(_ results: String) throws -> Double {
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let server = try #require(cell["server"] as? [String: Any])
            return server["cpu_percent"] as? Double ?? -1
        }

        /// Directories Barrage made for cells under the cgroup hierarchies. The cgroup unit tests
        /// (ServeTests, which may run meanwhile) make theirs as `test-…`; those are not ours.
        static func cellCgroups() -> [String] {
            cgroupMounts().flatMap { mount -> [String] in
                let parent = "\(mount)/barrage"
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
                return entries.filter { entry in
                    guard !entry.hasPrefix("test-") else { return false }
                    var isDirectory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: "\(parent)/\(entry)", isDirectory: &isDirectory)
                        && isDirectory.boolValue
                }.map { "\(parent)/\($0)" }
            }
        }

        /// Every cgroup hierarchy mounted here, v1 and v2 alike (from /proc/self/mountinfo), so
        /// the check for leftovers looks where the cells were made whatever the layout.
        static func cgroupMounts() -> [String] {
            let text = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                let halves = line.components(separatedBy: " - ")
                guard halves.count == 2, let type = halves[1].split(separator: " ").first,
                    type == "cgroup" || type == "cgroup2"
                else { return nil }
                let fields = halves[0].split(separator: " ")
                return fields.count > 4 ? String(fields[4]) : nil
            }
        }

        @Test func cpuLimitHoldsTheServerToItsQuota() throws {
            let folder = try Harness.scratch("cpu-limit")
            let limited = try Harness.topology(
                Self.topology(name: "limited", limits: "{ cpus: 0.25 }"), in: folder, name: "limited.yaml")
            let free = try Harness.topology(Self.topology(name: "free", limits: ""), in: folder, name: "free.yaml")
            let a = try Harness.run(["launch", limited, "--out", folder + "/limited", "--quiet"], in: folder)
            #expect(a.status == 0, "\(a.stderr)")
            let b = try Harness.run(["launch", free, "--out", folder + "/free", "--quiet"], in: folder)
            #expect(b.status == 0, "\(b.stderr)")
            let limitedCPU = try Self.serverCPU(folder + "/limited")
            let freeCPU = try Self.serverCPU(folder + "/free")
            #expect(limitedCPU > 5 && limitedCPU <= 30, "cpus 0.25 gave \(limitedCPU) % of a core")
            #expect(freeCPU > limitedCPU + 15, "without a limit \(freeCPU) %, with cpus 0.25 \(limitedCPU) %")
            #expect(!Self.cgroupMounts().isEmpty, "no cgroup hierarchy found: the leftover check would see nothing")
            #expect(Self.cellCgroups().isEmpty, "left behind: \(Self.cellCgroups())")
        }

        @Test func serverPastItsMemoryLimitFailsOutOfMemoryAndTheNextCellRuns() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("oom")
            // Serves echo, then grows past the limit a second in (touching every page).
            let containers = try Harness.echoRecipe(
                in: folder, name: "hog",
                misbehaviour: """
                    hog = []
                    def grow():
                        hog.append(bytearray(16 * 1024 * 1024))
                        loop.call_later(0.05, grow)
                    loop.call_later(1.0, grow)
                    """)
            let file = try Harness.topology(
                Self.topology(
                    name: "oom", limits: "{ memory: 128MiB }",
                    systems: "[ { name: hog, container: hog }, { name: builtin, container: builtin } ]"), in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--containers", containers, "--quiet"], in: folder)
            #expect(run.status == 1, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            try #require(cells.count == 2)
            #expect(cells[0]["status"] as? String == "failed")
            let error = cells[0]["error"] as? String ?? ""
            #expect(error.contains("out of memory (limit memory 128 MiB)"), "\(error)")
            // What was sampled before the kill is kept: the peak is the point of such a cell.
            let server = try #require(cells[0]["server"] as? [String: Any])
            #expect((server["rss_peak_bytes"] as? Int ?? 0) > 32 << 20, "\(server)")
            #expect((server["cgroup_memory_peak_bytes"] as? Int ?? 0) > 100 << 20, "\(server)")
            #expect(cells[1]["status"] as? String == "ok", "\(cells[1]["error"] ?? "")")
            #expect(!Self.cgroupMounts().isEmpty, "no cgroup hierarchy found: the leftover check would see nothing")
            #expect(Self.cellCgroups().isEmpty, "left behind: \(Self.cellCgroups())")
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        @Test func unenforceableLimitsStopTheRunBeforeItStarts() throws {
            let folder = try Harness.scratch("bad-limits")
            let file = try Harness.topology(Self.topology(name: "bad-limits", limits: "{ cpuset: \"0-999\" }"), in: folder)
            let run = try Harness.run(["launch", file, "--out", folder + "/results"], in: folder)
            #expect(run.status == 2)
            #expect(run.stderr.contains("cannot be enforced"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/results"), "nothing started")
        }
    }
}
