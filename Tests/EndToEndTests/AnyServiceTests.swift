import Foundation
import Testing

extension EndToEnd {
    /// Barrage against a service nobody tuned it for: Containers/any-service (ledger.v1.Ledger on
    /// grpc-go), which checks every field of what arrives and counts the intact requests.
    /// Driven by `barrage load` from the service's own .proto and JSON, and by a topology.
    @Suite struct AnyServiceTests {
        static let proto = Harness.packageRoot + "/Containers/any-service/ledger.proto"
        /// The request the server knows: nested messages, an enum, a map, bytes, int64 past 2^53.
        static var knownEntry: String {
            (try? String(contentsOfFile: Harness.packageRoot + "/Containers/any-service/known-entry.json", encoding: .utf8))?
                .replacingOccurrences(of: "\n", with: " ") ?? "{}"
        }
        static let authorization = "authorization=Bearer s3cret"

        /// The any-service server on a free port, its counters in a stats file; built once into
        /// the cache `barrage launch` uses.
        final class Server {
            let process = Process()
            // A port the kernel just gave out: a random one once collided in CI (the server
            // could not listen and the test waited for a stats file that never came).
            let port = Harness.freePort()
            let statsPath: String

            init(folder: String) throws {
                statsPath = folder + "/stats.json"
                let build = Process()
                build.executableURL = URL(fileURLWithPath: Harness.packageRoot + "/Containers/any-service/build")
                var environment = ProcessInfo.processInfo.environment
                environment["BARRAGE_BUILD_DIR"] = RecipeSystemsTests.buildDirectory("any-service")
                build.environment = environment
                build.standardOutput = FileHandle.nullDevice
                try build.run()
                build.waitUntilExit()
                try #require(build.terminationStatus == 0, "Containers/any-service/build failed")
                process.executableURL = URL(fileURLWithPath: Harness.packageRoot + "/Containers/any-service/run")
                environment["BARRAGE_HOST"] = "127.0.0.1"
                environment["BARRAGE_PORT"] = String(port)
                environment["LEDGER_STATS_FILE"] = statsPath
                process.environment = environment
                let logPath = folder + "/any-service-\(port).log"
                FileManager.default.createFile(atPath: logPath, contents: nil)
                process.standardError = FileHandle(forWritingAtPath: logPath)
                try process.run()
                try #require(
                    Harness.eventually(timeout: 10) { FileManager.default.fileExists(atPath: self.statsPath) },
                    "no stats file from the any-service server on port \(port); it said: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")"
                )
            }

            var target: String { "127.0.0.1:\(port)" }

            /// Stops the server; its counters once the last call ended.
            func stop() throws -> [String: Any] {
                process.terminate()
                process.waitUntilExit()
                let data = try #require(FileManager.default.contents(atPath: statsPath))
                return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            }
        }

        /// `barrage load --json` against `server` with `arguments`; the result file's fields.
        static func load(_ server: Server, _ arguments: [String], in folder: String) throws -> [String: Any] {
            let run = try Harness.run(
                [
                    "load", "--target", server.target, "--proto", proto, "--connections", "4", "--warmup", "0.3",
                    "--duration", "1.5", "--json"
                ] + arguments, in: folder)
            try #require(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        }

        static func counters(_ stats: [String: Any], _ method: String) -> [String: Int] {
            ((stats["methods"] as? [String: Any])?[method] as? [String: Int]) ?? [:]
        }

        @Test func exactJSONArrivesIntactAndNeverMoreOkThanTheServerCounted() throws {
            let folder = try Harness.scratch("any-post")
            let server = try Server(folder: folder)
            let result = try Self.load(
                server, ["--method", "ledger.v1.Ledger/Post", "--data", Self.knownEntry, "--metadata", Self.authorization],
                in: folder)
            let post = Self.counters(try server.stop(), "Post")
            let ok = result["requests"] as? Int ?? 0
            #expect(ok > 100)
            #expect((result["errors"] as? [String: Int] ?? [:]).isEmpty, "\(result["errors"] ?? "")")
            #expect(post["damaged"] == 0, "\(post)")
            #expect(ok <= post["intact"] ?? 0, "Barrage counted \(ok) ok, the server \(post) intact")
        }

        /// gzip both ways: Barrage's compressed requests arrive intact, and the server's gzip
        /// answers (grpc-go answers in the request's encoding) are inflated without an error.
        /// The server counts every message its gzip codec inflated and compressed.
        @Test func gzipRequestsArriveIntactAndGzipAnswersDecode() throws {
            let folder = try Harness.scratch("any-gzip")
            let server = try Server(folder: folder)
            let result = try Self.load(
                server,
                [
                    "--method", "ledger.v1.Ledger/Post", "--data", Self.knownEntry, "--metadata", Self.authorization,
                    "--compression", "gzip"
                ], in: folder)
            let stats = try server.stop()
            let post = Self.counters(stats, "Post")
            let gzip = stats["gzip"] as? [String: Int] ?? [:]
            let ok = result["requests"] as? Int ?? 0
            #expect(ok > 100)
            #expect((result["errors"] as? [String: Int] ?? [:]).isEmpty, "\(result["errors"] ?? "")")
            #expect(post["damaged"] == 0 && ok <= post["intact"] ?? 0, "Barrage counted \(ok) ok, the server \(post)")
            #expect(ok <= gzip["inflated"] ?? 0, "every request Barrage counted came gzip: \(gzip)")
            #expect(ok <= gzip["compressed"] ?? 0, "every answer Barrage counted went gzip: \(gzip)")
        }

        @Test func withoutTheMetadataEveryCallIsUnauthenticated() throws {
            let folder = try Harness.scratch("any-unauth")
            let server = try Server(folder: folder)
            let result = try Self.load(server, ["--method", "ledger.v1.Ledger/Post", "--data", Self.knownEntry], in: folder)
            _ = try server.stop()
            let errors = result["errors"] as? [String: Int] ?? [:]
            #expect(result["requests"] as? Int == 0)
            #expect(errors.keys.sorted() == ["UNAUTHENTICATED"], "\(errors)")
            #expect((errors["UNAUTHENTICATED"] ?? 0) > 100)
            let messages = result["error_messages"] as? [String: String] ?? [:]
            #expect(messages["UNAUTHENTICATED"]?.contains("authorization") == true, "\(messages)")
        }

        @Test func aDeadlineShorterThanTheDelayCountsDeadlineExceeded() throws {
            let folder = try Harness.scratch("any-deadline")
            let server = try Server(folder: folder)
            let result = try Self.load(
                server,
                [
                    "--method", "ledger.v1.Ledger/Hold", "--data", #"{"account": "acme-42", "delay": "0.5s"}"#,
                    "--metadata", Self.authorization, "--deadline", "100ms"
                ], in: folder)
            _ = try server.stop()
            let errors = result["errors"] as? [String: Int] ?? [:]
            #expect(result["requests"] as? Int == 0)
            #expect(errors.keys.sorted() == ["DEADLINE_EXCEEDED"], "\(errors)")
            // 4 connections, one call each at a time, each ending after ~100 ms, over 1.5 s.
            #expect((errors["DEADLINE_EXCEEDED"] ?? 0) >= 20, "\(errors)")
        }

        @Test func serverStreamingMessagesAreCountedOneByOne() throws {
            let folder = try Harness.scratch("any-list")
            let server = try Server(folder: folder)
            let result = try Self.load(
                server,
                [
                    "--method", "ledger.v1.Ledger/List", "--data", #"{"account": "acme-42", "kind": "KIND_CREDIT", "count": 7}"#,
                    "--metadata", Self.authorization, "--concurrency", "1", "--connections", "1"
                ], in: folder)
            let list = Self.counters(try server.stop(), "List")
            let messages = result["requests"] as? Int ?? 0
            #expect((result["errors"] as? [String: Int] ?? [:]).isEmpty)
            #expect(list["damaged"] == 0)
            // Every call's 7 entries counted (the window cuts at most one call on each side short).
            #expect(messages > 7 * 20, "\(messages) messages")
            #expect(messages <= list["sent"] ?? 0, "Barrage counted \(messages), the server sent \(list)")
            #expect(Int((Double(messages) / 7).rounded()) * 7 - messages <= 7, "whole calls of 7 messages")
        }

        @Test func grpcGosOwnHealthServiceFromItsProtoAndOneData() throws {
            let folder = try Harness.scratch("any-health")
            let server = try Server(folder: folder)
            let health = folder + "/health.proto"
            try """
            syntax = "proto3";
            package grpc.health.v1;
            message HealthCheckRequest { string service = 1; }
            message HealthCheckResponse {
              enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
              ServingStatus status = 1;
            }
            service Health {
              rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
              rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
            }
            """.write(toFile: health, atomically: true, encoding: .utf8)
            let run = try Harness.run(
                [
                    "load", "--target", server.target, "--proto", health, "--method", "grpc.health.v1.Health/Check",
                    "--data", "{}", "--connections", "2", "--warmup", "0.2", "--duration", "1"
                ], in: folder)
            _ = try server.stop()
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("· errors 0 ·"), "\(run.stdout)")
        }

        @Test func aRequestThatDoesNotFitIsReportedAtItsTopologyPosition() throws {
            let folder = try Harness.scratch("any-bad-request")
            let file = try Harness.topology(
                """
                name: any-bad
                hosts: { local: {} }
                systems: [ { name: ledger, container: any-service } ]
                server: { host: local }
                clients: [ { host: local } ]
                workload:
                  protocol: grpc
                  connections: 2
                  service:
                    proto: \(Self.proto)
                    method: ledger.v1.Ledger/Post
                    requests:
                      - { account: acme-42, kind: KIND_CREDTI }
                """, in: folder)
            let run = try Harness.run(["validate", file], in: folder)
            #expect(run.status == 2)
            #expect(run.stderr.contains("\(file):13:35: error: "), "\(run.stderr)")
            #expect(run.stderr.contains("KIND_CREDTI"), "\(run.stderr)")
        }
    }
}
