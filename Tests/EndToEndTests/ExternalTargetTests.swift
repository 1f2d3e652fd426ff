import Foundation
import Glibc
import Testing

extension EndToEnd {
    /// `systems: - { name, target: HOST:PORT }`: a server Barrage did not start. The test starts
    /// the peer itself (Containers/any-service, grpc-go) and points a topology at it: Barrage
    /// starts no server worker, reports no server figures, and its ok count stays within what
    /// the server counted intact.
    @Suite struct ExternalTargetTests {
        /// A topology of one external system at `target`, calling ledger.v1.Ledger/Post with
        /// the known entry over 2 then 4 connections.
        static func topology(target: String, extra: String = "") -> String {
            """
            name: ext
            hosts: { local: {} }
            systems: [ { name: staging, target: "\(target)" } ]
            clients: [ { host: local } ]
            workload:
              protocol: grpc
              connections: [2, 4]
              warmup: 300ms
              duration: 1s
              metadata: { authorization: "Bearer s3cret" }
              slo: { p99: 5s, errors: 0% }
              service:
                proto: \(AnyServiceTests.proto)
                method: ledger.v1.Ledger/Post
                requests: [ \(AnyServiceTests.knownEntry) ]
            \(extra)
            """
        }

        @Test func anExternalTargetIsLoadedWithoutAServerOfBarragesOwn() throws {
            let folder = try Harness.scratch("external")
            let server = try AnyServiceTests.Server(folder: folder)
            let before = Harness.barragePIDs()
            let file = try Harness.topology(Self.topology(target: server.target), in: folder)
            let validate = try Harness.run(["validate", file], in: folder)
            #expect(validate.status == 0, "\(validate.stderr)")
            #expect(validate.stdout.contains("external target \(server.target): already running"), "\(validate.stdout)")
            let out = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", out], in: folder)
            let post = AnyServiceTests.counters(try server.stop(), "Post")
            #expect(run.status == 0, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(out))
            #expect(cells.map { $0["id"] as? String } == ["staging-c2-r1", "staging-c4-r1"])
            var ok = 0
            for cell in cells {
                #expect(cell["status"] as? String == "ok", "\(cell["error"] ?? "")")
                #expect(cell["server"] is NSNull, "no server figures, never zeros: \(cell["server"] ?? "missing")")
                #expect(cell["target"] as? String == server.target)
                #expect(["server-unknown", "client"].contains(cell["bottleneck"] as? String), "\(cell["bottleneck"] ?? "")")
                #expect(cell["slo_met"] as? Bool == true, "\(cell["slo_misses"] ?? "")")
                #expect(cell["errors"] as? Int == 0, "\(cell["errors_by_kind"] ?? "")")
                ok += cell["requests"] as? Int ?? 0
                let files = try FileManager.default.contentsOfDirectory(atPath: out + "/nodes/\(cell["id"] as? String ?? "")")
                #expect(!files.contains { $0.hasPrefix("server") }, "no server worker ran: \(files)")
            }
            #expect(ok > 100)
            #expect(post["damaged"] == 0 && ok <= post["intact"] ?? 0, "Barrage counted \(ok) ok, the server \(post)")
            // The table shows "-" under the server columns; report rebuilds the same from the node files.
            let row = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("staging") }, "\(run.stdout)")
            #expect(row.contains(" - "), "\(row)")
            let report = try Harness.run(["report", out, "--format", "json"], in: folder)
            #expect(report.status == 0, "\(report.stderr)")
            #expect(report.stdout.contains("\"target\" : \"\(server.target)\""), "\(report.stdout.prefix(2_000))")
            #expect(Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty })
        }

        @Test func anUnreachableTargetFailsItsCellInWordsAndLeavesNothingBehind() throws {
            let folder = try Harness.scratch("external-down")
            // A port nothing listens on: bound and closed again at once.
            let port = try Self.closedPort()
            let before = Harness.barragePIDs()
            let file = try Harness.topology(Self.topology(target: "127.0.0.1:\(port)"), in: folder)
            let out = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", out], in: folder)
            #expect(run.status == 1, "\(run.stderr)")
            let cells = Harness.cells(try Harness.summary(out))
            #expect(cells.count == 2)
            for cell in cells {
                #expect(cell["status"] as? String == "failed")
                let error = cell["error"] as? String ?? ""
                #expect(error.contains("ECONNREFUSED") || error.contains("connection refused"), "\(error)")
            }
            #expect(Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty })
        }

        /// A loopback port that was free a moment ago and has no listener now.
        static func closedPort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            try #require(bound)
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
