import Foundation
import Testing

/// Runs of hours, shortened: seconds on disk as they come, calls cut by the window's close.
extension EndToEnd {
    @Suite struct LongRunTests {
        /// Interval lines (one a second) in every client's interval log under `results`.
        static func loggedSeconds(_ results: String) -> Int {
            let nodes = results + "/nodes"
            var count = 0
            for cell in (try? FileManager.default.contentsOfDirectory(atPath: nodes)) ?? [] {
                for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(nodes)/\(cell)")) ?? []
                where file.hasSuffix(".hlog") {
                    let text = (try? String(contentsOfFile: "\(nodes)/\(cell)/\(file)", encoding: .utf8)) ?? ""
                    count += text.split(separator: "\n").filter { $0.first?.isNumber == true }.count
                }
            }
            return count
        }

        @Test func aRunStoppedByCtrlCKeepsTheSecondsItMeasured() throws {
            let folder = try Harness.scratch("sigint")
            let file = try Harness.topology(
                """
                name: sigint
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: grpc, connections: 4, rate: 500/s, warmup: 500ms, duration: 20s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.Run(["launch", file, "--out", results, "--quiet"], in: folder)
            // Half the window in, the seconds are already on disk, before any cell ended.
            #expect(Harness.eventually(timeout: 40) { Self.loggedSeconds(results) >= 10 }, "stderr: \(run.stderr)")
            kill(run.process.processIdentifier, SIGINT)
            #expect(run.wait(timeout: 40) != 0)
            let report = try Harness.run(["report", results, "--format", "json"], in: folder)
            #expect(report.status == 0, "\(report.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
            let cell = try #require(Harness.cells(summary).first)
            #expect(cell["status"] as? String == "interrupted")
            let seconds = (cell["timeseries"] as? [[String: Any]]) ?? []
            #expect(seconds.count >= 9, "\(seconds.count) seconds of 20")
            let requests = seconds.map { $0["requests"] as? Int ?? 0 }
            #expect(requests.dropLast().allSatisfy { $0 >= 400 && $0 <= 600 }, "\(requests)")
            #expect(cell["requests"] as? Int == requests.reduce(0, +))
        }

        @Test func callsOutstandingAtTheCloseMakeThePercentilesLowerBounds() throws {
            let folder = try Harness.scratch("unfinished")
            let file = try Harness.topology(
                """
                name: unfinished
                hosts: { local: {} }
                systems: [ { name: slow, container: builtin, env: { BARRAGE_BUILTIN_DELAY: 3s } } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: grpc, connections: 10, concurrency: 4, warmup: 1s, duration: 4s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results], in: folder, timeout: 90)
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            // Every call takes 3 s: the 40 streams are busy at the close, the oldest sent ~2 s before it.
            let unfinished = cell["unfinished"] as? Int ?? 0
            let oldest = cell["unfinished_oldest_us"] as? Int ?? 0
            #expect(unfinished > 0 && unfinished <= 40, "\(unfinished)")
            #expect(oldest > 1_500_000 && oldest < 3_100_000, "\(oldest) µs")
            #expect(run.stdout.contains("lower bounds: the percentiles are lower bounds"), "\(run.stdout)")
            #expect(run.stdout.contains("slow c10 r1: \(unfinished) unfinished"), "\(run.stdout)")
        }

        /// `curl URL` with its headers; nil when it could not connect.
        static func curl(_ url: String) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-s", "-i", "--max-time", "5", url]
            let pipe = Pipe()
            process.standardOutput = pipe
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
        }

        /// The value of the sample line starting with `prefix`.
        static func sample(_ text: String, _ prefix: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }

        @Test func aRunIsWatchedLiveThroughItsReportAndMetrics() throws {
            let folder = try Harness.scratch("live")
            let file = try Harness.topology(
                """
                name: live
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1 } ]
                workload: { protocol: grpc, connections: 4, rate: 300/s, warmup: 500ms, duration: 25s }
                """, in: folder)
            let results = folder + "/results"
            let port = Harness.freePort()
            let url = "http://127.0.0.1:\(port)/metrics"
            let run = try Harness.Run(["launch", file, "--out", results, "--quiet", "--metrics", "127.0.0.1:\(port)"], in: folder)
            let requests = #"barrage_requests_total{cell="builtin-c4-r1",system="builtin"}"#
            var first: String?
            #expect(
                Harness.eventually(timeout: 40) {
                    first = Self.curl(url)
                    return (first.flatMap { Self.sample($0, requests) } ?? 0) > 0
                }, "no live counter: \(first ?? "no answer"); stderr: \(run.stderr)")
            let head = first ?? ""
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            #expect(head.contains("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8"), "\(head)")
            #expect(head.hasSuffix("# EOF\n"))
            let seconds = Self.loggedSeconds(results)
            let page = (try? String(contentsOfFile: results + "/report.html", encoding: .utf8)) ?? ""
            // Ten seconds on, everything has moved while the cell still runs.
            sleep(11)
            let later = Self.curl(url) ?? ""
            #expect((Self.sample(later, requests) ?? 0) > (Self.sample(head, requests) ?? 0), "the counter grows")
            #expect(Self.loggedSeconds(results) > seconds, "nodes/ grows")
            let livePage = (try? String(contentsOfFile: results + "/report.html", encoding: .utf8)) ?? ""
            #expect(livePage != page, "report.html is rewritten")
            #expect(livePage.contains("http-equiv=\"refresh\"") && livePage.contains("Running now: builtin"))
            #expect(Self.curl("http://127.0.0.1:\(port)/other")?.hasPrefix("HTTP/1.1 404") == true)
            #expect(run.wait(timeout: 60) == 0, "\(run.stderr)")
            let final = (try? String(contentsOfFile: results + "/report.html", encoding: .utf8)) ?? ""
            #expect(!final.contains("http-equiv=\"refresh\""), "the finished run's page does not reload")
            #expect(Self.curl(url) == nil, "nothing listens once the run is over")
        }
    }
}
