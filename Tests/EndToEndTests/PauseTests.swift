import Foundation
import Testing

extension EndToEnd {
    /// Server pauses against servers whose pauses are known by construction: the builtin server
    /// frozen 150 ms once a second (`BARRAGE_BUILTIN_STALL`), one that never freezes, and a load
    /// generator whose own loop is blocked 150 ms once a second (`BARRAGE_TEST_CLIENT_STALL`),
    /// which must not be blamed on the server. Open loop, two client workers, so the pauses are
    /// the ones both saw.
    @Suite struct PauseTests {
        static let threshold = 40.0

        @Test(arguments: ["tcp-echo", "grpc"])
        func aFrozenServerPausesOnceASecondAndASteadyOneNever(protocolName: String) throws {
            let folder = try Harness.scratch("pauses-\(protocolName)")
            let file = try Harness.topology(
                """
                name: pauses-\(protocolName)
                hosts: { local: {} }
                systems: [ { name: frozen, container: builtin, env: { BARRAGE_BUILTIN_STALL: 150ms/1s } },
                           { name: steady, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 2, threads: 1 } ]
                workload: { protocol: \(protocolName), connections: 20, rate: 1000/s, warmup: 700ms, duration: 4s,
                            pause: \(Int(Self.threshold))ms }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results], in: folder, timeout: 180)
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            try #require(cells.map { $0["system"] as? String } == ["frozen", "steady"])
            let frozen = try #require(cells[0]["pauses"] as? [String: Any])
            let steady = try #require(cells[1]["pauses"] as? [String: Any])
            let seconds = cells[0]["duration_s"] as? Double ?? 0
            let count = frozen["count"] as? Int ?? -1
            let longest = (frozen["longest_ms"] as? NSNumber)?.doubleValue ?? -1
            #expect(frozen["threshold_ms"] as? Int == Int(Self.threshold))
            // One freeze a second: as many pauses as the window has seconds, give or take the
            // freezes cut by its edges.
            #expect(abs(Double(count) - seconds.rounded()) <= 1, "\(protocolName) frozen: \(frozen)")
            #expect(longest >= 115 && longest <= 200, "\(protocolName) frozen: longest \(longest) ms: \(frozen)")
            #expect(steady["count"] as? Int == 0, "\(protocolName) steady: \(steady)")
            #expect(run.stdout.contains("pauses"), "the table counts pauses: \(run.stdout)")
            #expect(run.stdout.contains("longest server pause, frozen"), "the decision block names it: \(run.stdout)")
        }

        @Test(arguments: ["tcp-echo", "grpc"])
        func aGeneratorBlockingItsOwnLoopSeesNoServerPause(protocolName: String) throws {
            let folder = try Harness.scratch("client-stall-\(protocolName)")
            let port = Harness.freePort()
            let server = Process()
            server.executableURL = URL(fileURLWithPath: Harness.binary)
            server.arguments = ["serve", "--protocol", protocolName, "--port", String(port)]
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                server.terminate()
                server.waitUntilExit()
            }
            try #require(Harness.eventually(timeout: 10) { Harness.accepts(port: port) })
            let load = try Harness.Run(
                [
                    "load", "--target", "127.0.0.1:\(port)", "--protocol", protocolName, "--connections", "20",
                    "--rate", "1000", "--warmup", "1", "--duration", "4", "--pause", "\(Int(Self.threshold))ms", "--json"
                ], in: folder, environment: ["BARRAGE_TEST_CLIENT_STALL": "150ms/1s"])
            #expect(load.wait(timeout: 60) == 0, "\(load.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(load.stdout.utf8)) as? [String: Any])
            // The stall happened: calls waited behind it...
            let histogram = result["histogram"] as? [String: Any] ?? [:]
            let largest = (histogram["buckets"] as? [[Int]] ?? []).map { $0[0] }.max() ?? 0
            #expect(largest >= 100_000, "\(protocolName): the slowest call took \(largest) µs; was the loop blocked?")
            // ...but the silence it caused was the generator's own.
            #expect((result["pauses"] as? [Any])?.isEmpty == true, "\(protocolName): \(result["pauses"] ?? "none")")
        }
    }
}
