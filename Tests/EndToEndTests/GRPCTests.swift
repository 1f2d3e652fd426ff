import Foundation
import Testing

extension EndToEnd {
    /// `protocol: grpc` end to end: the builtin server, grpc-go, both calls, open loop, many connections.
    @Suite struct GRPCTests {
        static func topology(
            name: String, systems: String, call: String = "unary", concurrency: Int = 4,
            connections: String = "20", rate: String = "max", workers: Int = 2, threads: Int = 1,
            duration: String = "2s"
        ) -> String {
            """
            name: \(name)
            hosts: { local: {} }
            systems: \(systems)
            server: { host: local }
            clients: [ { host: local, workers: \(workers), threads: \(threads) } ]
            workload: { protocol: grpc, call: \(call), payload: 64B, connections: \(connections), concurrency: \(concurrency),
                        rate: \(rate), warmup: 500ms, duration: \(duration) }
            """
        }

        @Test(arguments: ["unary", "stream"])
        func builtinAndGrpcGoAnswerEveryCall(call: String) throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("grpc-\(call)")
            let file = try Harness.topology(
                Self.topology(
                    name: "grpc-\(call)",
                    systems: "[ { name: builtin, container: builtin }, { name: grpc-go, container: grpc-go } ]",
                    call: call, threads: 2), in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 300)
            #expect(run.status == 0, "\(run.stderr)")
            Harness.expectEveryCellAnswered(
                Harness.cells(try Harness.summary(results)), systems: ["builtin", "grpc-go"], call: call, moreThan: 1000,
                connections: 20)
            #expect(
                Harness.eventually(timeout: 1) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }

        @Test func unknownMethodCountsAsErrorWithStatus12() throws {
            let folder = try Harness.scratch("grpc-unknown")
            let server = Process()
            server.executableURL = URL(fileURLWithPath: Harness.binary)
            let port = Harness.freePort()
            server.arguments = ["serve", "--protocol", "grpc", "--port", String(port)]
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                server.terminate()
                server.waitUntilExit()
            }
            let run = try Harness.run(
                [
                    "load", "--target", "127.0.0.1:\(port)", "--connections", "4", "--warmup", "0.2",
                    "--duration", "1", "--path", "/bench.Echo/Nope", "--json"
                ], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let errors = result["errors"] as? [String: Int] ?? [:]
            #expect(result["requests"] as? Int == 0)
            #expect((errors["UNIMPLEMENTED"] ?? 0) > 0, "\(errors)")
            #expect(errors.keys.sorted() == ["UNIMPLEMENTED"])
        }

        @Test func openLoopLandsWithinFivePercentOfTheAskedRate() throws {
            let folder = try Harness.scratch("grpc-open-loop")
            let file = try Harness.topology(
                Self.topology(
                    name: "open-loop", systems: "[ { name: builtin, container: builtin } ]", concurrency: 2,
                    connections: "20", rate: "\"2000/s\"", duration: "3s"), in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let rate = cell["requests_per_second"] as? Double ?? 0
            #expect(abs(rate - 2000) <= 100, "asked 2000/s, got \(rate)/s")
            #expect(cell["errors"] as? Int == 0)
        }

        @Test func twoThousandConnectionsFromOneWorkerAllEstablish() throws {
            let folder = try Harness.scratch("grpc-2000")
            let file = try Harness.topology(
                Self.topology(
                    name: "conns-2000", systems: "[ { name: builtin, container: builtin } ]", concurrency: 1,
                    connections: "2000", workers: 1, duration: "2s"), in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let clients = try #require(cell["clients"] as? [String: Any])
            #expect(clients["connections_established"] as? Int == 2000)
            #expect((cell["requests"] as? Int ?? 0) > 0)
            #expect(cell["errors"] as? Int == 0, "\(cell["errors_by_kind"] ?? "")")
        }
    }
}
