import Foundation
import Testing

extension EndToEnd {
    /// What a user meets with absurd values and damaged results: exit 2 with words, never a
    /// signal; a damaged file named, its cell not shown as a normal ok cell.
    @Suite struct DamageTests {
        @Test func absurdValuesExitTwoWithWords() throws {
            let folder = try Harness.scratch("absurd")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let cases: [([String], String)] = [
                (["load", "--target", "127.0.0.1:9", "--duration", "1e20"], "--duration"),
                (["load", "--target", "127.0.0.1:9", "--duration", "inf"], "--duration"),
                (["load", "--target", "127.0.0.1:9", "--warmup", "nan"], "--warmup"),
                (["load", "--target", "127.0.0.1:9", "--rate", "0.00000000001"], "--rate"),
                (["load", "--target", "127.0.0.1:9", "--connections", "99999999999"], "--connections"),
                // Each of these trapped `barrage load` once a connection was up (an overflow in
                // nanoseconds or in the calls left); refused before anything starts now.
                (["load", "--target", "127.0.0.1:9", "--deadline", "99999999999999ms"], "--deadline"),
                (["load", "--target", "127.0.0.1:9", "--connection-lifetime", "9223372036854775s"], "--connection-lifetime"),
                (["load", "--target", "127.0.0.1:9", "--connection-requests", "9223372036854775807"], "--connection-requests"),
                (["load", "--target", "127.0.0.1:99999"], "--target port 99999 is outside 1...65535"),
                (["load", "--target", "db.internal:50051"], "--target host 'db.internal' is not a numeric address"),
                (["load", "--target", "::1:50051"], "--target with an IPv6 address must put it in brackets"),
                (["launch", "--metrics", "127.0.0.1:http", "missing.yaml"], "--metrics must be HOST:PORT"),
                (["load", "--target", "127.0.0.1:9", "--threads", "100000"], "--threads must be at most 256")
            ]
            for (arguments, words) in cases {
                let run = try Harness.Run(arguments, in: folder)
                let status = run.wait(timeout: 30)
                #expect(run.process.terminationReason == .exit, "\(arguments): killed by signal \(status)")
                #expect(status == 2, "\(arguments): exit \(status), \(run.stderr)")
                #expect(run.stderr.contains(words), "\(arguments): \(run.stderr)")
            }
            let file = try Harness.topology(
                """
                name: absurd
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local } ]
                workload: { protocol: grpc, connections: 1, rate: 0.00000000001/s }
                """, in: folder)
            let validate = try Harness.run(["validate", file], in: folder)
            #expect(validate.status == 2, "\(validate.stderr)")
            #expect(validate.stderr.contains("rate must be at least 0.001/s"), "\(validate.stderr)")
        }

        @Test func aDamagedResultsFolderIsNamedNotAveragedAway() throws {
            let folder = try Harness.scratch("damage")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = try Harness.topology(
                """
                name: damage
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 2 } ]
                workload: { protocol: grpc, connections: 4, warmup: 200ms, duration: 1s }
                """, in: folder)
            let results = folder + "/results"
            let launch = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder)
            #expect(launch.status == 0, "\(launch.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first?["id"] as? String)
            let client = "\(results)/nodes/\(cell)/client-2.json"
            let data = try #require(FileManager.default.contents(atPath: client))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: client))

            let report = try Harness.Run(["report", results, "--format", "json"], in: folder)
            let reportStatus = report.wait(timeout: 60)
            #expect(report.process.terminationReason == .exit && reportStatus == 0, "\(report.stderr)")
            #expect(report.stderr.contains("could not read nodes/\(cell)/client-2.json"), "\(report.stderr)")
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
            let shown = try #require(Harness.cells(summary).first)
            #expect(shown["status"] as? String == "failed", "\(shown)")
            #expect((shown["error"] as? String ?? "").contains("client-2.json"), "\(shown)")

            // A line of junk and a line cut short in client-1's interval log: named with their count.
            let log = "\(results)/nodes/\(cell)/client-1.hlog"
            let handle = try #require(FileHandle(forWritingAtPath: log))
            handle.seekToEndOfFile()
            handle.write(Data("junk\n1.000,1.000,0.5,HISTFAAAA".utf8))
            handle.closeFile()
            let lines = try Harness.Run(["report", results], in: folder)
            let linesStatus = lines.wait(timeout: 60)
            #expect(lines.process.terminationReason == .exit && linesStatus == 0, "\(lines.stderr)")
            #expect(lines.stderr.contains("could not read nodes/\(cell)/client-1.hlog: 2 lines refused"), "\(lines.stderr)")

            // A folder another release line wrote: refused, both versions named.
            let summaryPath = results + "/summary.json"
            let written = try String(contentsOfFile: summaryPath, encoding: .utf8)
            let version = try #require(try Harness.summary(results)["barrage"] as? String)
            try written.replacingOccurrences(of: "\"barrage\" : \"\(version)\"", with: "\"barrage\" : \"9.9.9\"")
                .replacingOccurrences(of: "\"barrage\":\"\(version)\"", with: "\"barrage\":\"9.9.9\"")
                .write(toFile: summaryPath, atomically: true, encoding: .utf8)
            let other = try Harness.Run(["report", results], in: folder)
            let otherStatus = other.wait(timeout: 60)
            #expect(other.process.terminationReason == .exit && otherStatus == 2, "\(other.stderr)")
            #expect(other.stderr.contains("written by Barrage 9.9.9"), "\(other.stderr)")
            try written.write(toFile: summaryPath, atomically: true, encoding: .utf8)

            // Only summary.json left: its cells still show.
            try FileManager.default.removeItem(atPath: results + "/nodes")
            let alone = try Harness.Run(["report", results], in: folder)
            let aloneStatus = alone.wait(timeout: 60)
            #expect(alone.process.terminationReason == .exit && aloneStatus == 0, "\(alone.stderr)")
            #expect(alone.stdout.contains("builtin"), "\(alone.stdout)")
        }
    }
}
