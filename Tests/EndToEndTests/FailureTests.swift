import Foundation
import Testing

/// Failures a user meets: a crashing server, a coordinator that is killed outright.
extension EndToEnd {
@Suite struct FailureTests {
    /// A recipe whose server serves, then aborts after `seconds`.
    static func crashingRecipe(in folder: String, seconds: Double) throws -> String {
        let containers = folder + "/Containers"
        let recipe = containers + "/crashy"
        try FileManager.default.createDirectory(atPath: recipe, withIntermediateDirectories: true)
        try """
        #!/bin/sh
        exec python3 -c '
        # \(Harness.testServerMarker)
        import asyncio, os, signal
        class Echo(asyncio.Protocol):
            def connection_made(self, t): self.t = t
            def data_received(self, d): self.t.write(d)
        async def main():
            loop = asyncio.get_running_loop()
            await loop.create_server(Echo, os.environ["BARRAGE_HOST"], int(os.environ["BARRAGE_PORT"]))
            loop.call_later(\(seconds), os.abort)
            await asyncio.sleep(3600)
        asyncio.run(main())
        '
        """.write(toFile: recipe + "/run", atomically: true, encoding: .utf8)
        chmod(recipe + "/run", 0o755)
        return containers
    }

    @Test func crashedServerFailsItsCellAndTheNextCellRuns() throws {
        let before = Harness.barragePIDs()
        let folder = try Harness.scratch("crash")
        let containers = try Self.crashingRecipe(in: folder, seconds: 2.5)
        let file = try Harness.topology("""
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
        let run = try Harness.run(["launch", file, "--out", results, "--containers", containers, "--quiet"], in: folder, timeout: 90)
        #expect(run.status == 1, "stderr: \(run.stderr)")
        let cells = Harness.cells(try Harness.summary(results))
        try #require(cells.count == 2)
        #expect(cells[0]["status"] as? String == "failed")
        let error = cells[0]["error"] as? String ?? ""
        #expect(error.contains("server on local"), "\(error)")
        #expect(error.contains("SIGABRT"), "\(error)")
        #expect(cells[1]["status"] as? String == "ok", "\(cells[1]["error"] ?? "")")
        #expect(run.stdout.contains("FAILED"), "the table marks the failed cell")
        #expect(Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
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
        #expect(Harness.eventually(timeout: 5) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
    }
}
}
