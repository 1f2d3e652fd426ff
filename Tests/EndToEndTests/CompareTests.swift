import Foundation
import Testing

extension EndToEnd {
    /// `barrage compare` of real runs: a second run of the same topology is noise (`~`), a run
    /// whose server had a twentieth of a CPU is significantly slower, a cell only one run has is
    /// listed, and a folder that is not a results directory exits 2 naming it.
    @Suite struct CompareTests {
        static func topology(name: String, repeats: Int, connections: String = "20", limits: String = "") -> String {
            """
            name: \(name)
            hosts: { local: {} }
            systems: [ { name: builtin, container: builtin } ]
            server: { host: local\(limits.isEmpty ? "" : ", limits: \(limits)") }
            clients: [ { host: local, workers: 1 } ]
            workload: { protocol: grpc, call: unary, payload: 64B, connections: \(connections), concurrency: 4,
                        warmup: 500ms, duration: 1s, repeat: \(repeats) }
            """
        }

        @Test func sameTopologyIsNoiseAndAStarvedServerIsSignificantlySlower() throws {
            let folder = try Harness.scratch("compare")
            // A and C run 4 repeats: the smallest p of 4 against 4 is 0.029, so a real difference can
            // show. B runs 3 — against 4 no difference can reach p < 0.05 (its smallest p is 0.057),
            // so whatever the machine's noise, B/A must read `~`.
            var directories: [String: String] = [:]
            for (label, text) in [
                ("A", Self.topology(name: "base", repeats: 4)),
                ("B", Self.topology(name: "base", repeats: 3, connections: "[20, 40]")),
                ("C", Self.topology(name: "starved", repeats: 4, limits: "{ cpus: 0.05 }"))
            ] {
                let file = try Harness.topology(text, in: folder, name: "\(label).yaml")
                let results = folder + "/" + label
                let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 300)
                #expect(run.status == 0, "\(label): \(run.stderr)")
                directories[label] = results
            }
            let a = directories["A"]!, b = directories["B"]!, c = directories["C"]!

            let table = try Harness.run(["compare", a, b], in: folder)
            #expect(table.status == 0, "\(table.stderr)")
            let rate = try #require(Self.row(table.stdout, figure: "req/s", cell: "builtin c20"), "\(table.stdout)")
            #expect(rate.hasSuffix(")") && rate.contains("~ (p="), "\(rate)")
            #expect(table.stdout.contains("builtin c40: only in B"))
            #expect(table.stdout.contains("smallest possible p is 0.057"))

            let json = try Harness.run(["compare", a, c, "--format", "json"], in: folder)
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let rows = try #require(object["rows"] as? [[String: Any]])
            let throughput = try #require(rows.first { $0["figure"] as? String == "requests_per_second" })
            let ratio = try #require((throughput["ratios"] as? [Double])?.first)
            let test = try #require((throughput["tests"] as? [[String: Any]])?.first)
            // A twentieth of a core against an unlimited server: far slower, and every repeat of C below every one of A.
            #expect(ratio < 0.5, "C/A req/s ratio \(ratio)")
            #expect(test["significant"] as? Bool == true, "\(test)")
            #expect(abs((test["p"] as? Double ?? 1) - 0.02857142857142857) < 1e-9)

            let csv = try Harness.run(["compare", a, b, c, "--format", "csv"], in: folder)
            #expect(csv.status == 0)
            let lines = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            // Header, then builtin c20 in A, B and C (c40 is in B only, so it is not compared).
            #expect(lines.count == 4, "\(lines)")
            #expect(lines.dropFirst().map { String($0.prefix(2)) } == ["A,", "B,", "C,"])
        }

        @Test func aFolderThatIsNotAResultsDirectoryExitsTwoNamingIt() throws {
            let folder = try Harness.scratch("compare-bad")
            let empty = folder + "/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let run = try Harness.run(["compare", empty, folder + "/missing"], in: folder)
            #expect(run.status == 2)
            #expect(run.stderr.contains("barrage compare: \(empty): not a results directory"))
            #expect(run.stderr.contains("barrage compare: \(folder)/missing: no such directory"))
            #expect(run.stdout.isEmpty)
            let one = try Harness.run(["compare", empty], in: folder)
            #expect(one.status == 2)
            #expect(one.stderr.contains("at least two results directories"))
        }

        /// The ratio column of `cell`'s row in the block headed by `figure`.
        static func row(_ output: String, figure: String, cell: String) -> String? {
            let blocks = output.components(separatedBy: "\n\n")
            guard let block = blocks.first(where: { $0.hasPrefix(figure + " ") }) else { return nil }
            guard let line = block.split(separator: "\n").first(where: { $0.hasPrefix(cell + " ") }) else { return nil }
            // Values and ratios are separated by two spaces or more; the ratio is the last column.
            return line.components(separatedBy: "  ").filter { !$0.isEmpty }.last?.trimmingCharacters(in: .whitespaces)
        }
    }
}
