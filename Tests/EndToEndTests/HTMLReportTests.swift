import Foundation
import Testing

extension EndToEnd {
    /// report.html of a real run, rendered in headless Chromium (Debian's `chromium`, which the
    /// Makefile installs): no script error, no console message, every chart with one line per
    /// system; a full-page screenshot stays in the test's folder for a person to look at.
    @Suite struct HTMLReportTests {
        static let systems = ["builtin", "grpc-go"]

        @Test func theReportOfARealRunRendersInChromiumWithALinePerSystem() throws {
            let chromium = try #require(Self.chromium(), "no chromium on the PATH: `make deps` installs Debian's")
            let folder = try Harness.scratch("html-report")
            let file = try Harness.topology(
                """
                name: html-report
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin }, { name: grpc-go, container: grpc-go } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload: { protocol: grpc, call: unary, payload: 64B, connections: [10, 50], concurrency: 4,
                            rate: max, warmup: 1s, duration: 2s }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 400)
            #expect(run.status == 0, "\(run.stderr)")
            let report = results + "/report.html"
            let html = try String(contentsOfFile: report, encoding: .utf8)
            // `barrage report --format html` renders the same table and charts from the node files
            // (the header may differ: run-level fields come from summary.json).
            let rerendered = try Harness.run(["report", results, "--format", "html"], in: folder)
            #expect(rerendered.status == 0, "\(rerendered.stderr)")
            for section in ["comparison", "spectrum", "scaling", "timeseries"] {
                let written = Self.between(html, "<section id=\"\(section)\">", "</section>")
                #expect(
                    written != nil && written == Self.between(rerendered.stdout, "<section id=\"\(section)\">", "</section>"),
                    "section \(section) differs between report.html and barrage report --format html")
            }
            // And the cells as CSV: a header and one row per cell, the latency flattened.
            let csv = try Harness.run(["report", results, "--format", "csv"], in: folder)
            let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(csv.status == 0 && rows.count == 5, "\(csv.stdout)")
            #expect(
                rows.first?.hasPrefix("id,scenario,system,replicas,cpus,tls,connections,rate_per_second,repeat,status,error,")
                    == true
            )
            #expect(rows.first?.contains(",latency_p99_us,") == true)

            // The width of the screenshot, so the height the page notes is the one it will have there.
            let dump = try Self.runChromium(chromium, ["--window-size=1280,800", "--dump-dom", "file://" + report], in: folder)
            #expect(dump.status == 0, "\(dump.stderr)")
            let dom = dump.stdout
            #expect(!dom.contains("data-errors="), "script errors: \(Self.attribute("data-errors", in: dom) ?? "")")
            let console = dump.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "console messages: \(console)")
            let charts = try #require(
                Self.attribute("data-charts", in: dom).flatMap { Int($0) },
                "the page's closing script did not run")
            #expect(charts == Self.count(dom, "<svg class=\"chart\""))

            let cells = Harness.cells(try Harness.summary(results))
            let spectra = Self.figures(dom, kind: "spectrum")
            let scaling = Self.figures(dom, kind: "scaling")
            let series = Self.figures(dom, kind: "timeseries")
            #expect(spectra.count == 2, "one spectrum per connection count")
            #expect(scaling.count == 3, "req/s, p99 and mem/conn against connections")
            // Every ok cell carries its per-second figures now: the four time-series charts per count must be drawn.
            let withSeries = cells.filter { !(($0["timeseries"] as? [Any]) ?? []).isEmpty }
            #expect(withSeries.count == cells.count, "cells without timeseries in summary.json")
            #expect(series.count == 8, "req/s, p99, CPU and RSS per connection count")
            #expect(!dom.contains("has no per-second figures"))
            for figure in spectra + scaling + series {
                let title = Self.between(figure, "<title>", "</title>") ?? "?"
                #expect(Self.count(figure, "<path class=\"series\"") == Self.systems.count, "\(title)")
                for system in Self.systems {
                    let path = Self.between(figure, "data-series=\"\(system)\" d=\"", "\"") ?? ""
                    #expect(path.hasPrefix("M") && path.contains("L"), "\(title): \(system)'s line has no segment")
                }
            }

            let height = min(12_000, max(800, Int(Self.attribute("data-height", in: dom) ?? "") ?? 3_000))
            let screenshot = folder + "/report.png"
            let shot = try Self.runChromium(
                chromium,
                [
                    "--hide-scrollbars", "--window-size=1280,\(height)",
                    "--screenshot=" + screenshot, "file://" + report
                ], in: folder)
            #expect(shot.status == 0, "\(shot.stderr)")
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
            #expect(png.count > 50_000, "a screenshot of \(png.count) bytes shows next to nothing")
            print("report.html screenshot: \(screenshot) (report: \(report))")
        }

        /// Debian's `chromium`, else Google's binary name; nil when neither is on the PATH.
        static func chromium() -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                    return "\(folder)/\(name)"
                }
            }
            return nil
        }

        /// Headless Chromium with its own profile in `folder` (tests running at once never share
        /// one), its console on stderr; killed after 90 s.
        static func runChromium(_ chromium: String, _ arguments: [String], in folder: String) throws
            -> (status: Int32, stdout: String, stderr: String)
        {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--user-data-dir=\(folder)/chromium-profile", "--enable-logging=stderr", "--v=0"
                ] + arguments
            let stdoutPath = folder + "/chromium-stdout.txt", stderrPath = folder + "/chromium-stderr.txt"
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(90)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning {
                Issue.record("chromium did not finish within 90 s; killing it")
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            return (
                process.terminationStatus, (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            )
        }

        /// The contents of each `<figure class="plot" data-kind="KIND">`.
        static func figures(_ dom: String, kind: String) -> [String] {
            dom.components(separatedBy: "<figure class=\"plot\" data-kind=\"\(kind)\">").dropFirst()
                .map { String($0.components(separatedBy: "</figure>")[0]) }
        }

        /// The value of `name="…"` on the first element carrying it.
        static func attribute(_ name: String, in dom: String) -> String? { between(dom, "\(name)=\"", "\"") }

        static func between(_ text: String, _ start: String, _ end: String) -> String? {
            guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
                return nil
            }
            return String(text[from.upperBound..<to.lowerBound])
        }

        static func count(_ text: String, _ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }
    }
}
