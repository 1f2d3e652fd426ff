import Foundation
import Testing

/// Failures a user meets: a crashing server, a coordinator that is killed outright.
extension EndToEnd {
    @Suite struct FailureTests {
        @Test func crashedServerFailsItsCellAndTheNextCellRuns() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("crash")
            let containers = try Harness.echoRecipe(in: folder, name: "crashy", misbehaviour: "loop.call_later(2.5, os.abort)")
            let file = try Harness.topology(
                """
                name: crash
                hosts: { local: {} }
                systems:
                  - { name: crashy, container: crashy }
                  - { name: builtin, container: builtin }
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: tcp-echo, payload: 64B, connections: 4, warmup: 500ms, duration: 4s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(
                ["launch", file, "--out", results, "--containers", containers, "--quiet"], in: folder, timeout: 90)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            try #require(cells.count == 2)
            #expect(cells[0]["status"] as? String == "failed")
            let error = cells[0]["error"] as? String ?? ""
            #expect(error.contains("server on local"), "\(error)")
            #expect(error.contains("SIGABRT"), "\(error)")
            #expect(cells[1]["status"] as? String == "ok", "\(cells[1]["error"] ?? "")")
            #expect(run.stdout.contains("FAILED"), "the table marks the failed cell")
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        @Test func killedCoordinatorLeavesNoProcessBehind() throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("kill-coordinator")
            let file = try Harness.topology(EndToEnd.LaunchTests.topology(name: "kill-coordinator", duration: "10s"), in: folder)
            let results = folder + "/results"
            let run = try Harness.Run(["launch", file, "--out", results], in: folder)
            let loaded = Harness.eventually(timeout: 30) {
                FileManager.default.fileExists(atPath: "\(results)/logs/builtin-c20-r1/client-2.log")
                    && Harness.barrageProcesses(except: before).count >= 5
            }
            try #require(loaded, "workers never started: \(run.stderr)")
            usleep(1_000_000)
            kill(run.process.processIdentifier, SIGKILL)
            run.wait(timeout: 5)
            // Workers see their control channel close and take their servers down with them.
            #expect(
                Harness.eventually(timeout: 5) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }
    }
}
