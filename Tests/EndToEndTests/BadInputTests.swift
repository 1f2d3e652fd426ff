import Foundation
import Testing

/// No input, however malformed, crashes `barrage validate` or `launch`: exit 2 and a message.
extension EndToEnd {
    @Suite struct BadInputTests {
        static let inputs: [(String, [UInt8])] = [
            ("empty", []),
            ("binary-junk", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }),
            ("invalid-utf8", Array("name: x\nhosts: {\u{1}}\n".utf8) + [0xff, 0xfe, 0xc3]),
            ("deep-flow", Array(String(repeating: "[", count: 100_000).utf8)),
            ("deep-dashes", Array(("a: " + String(repeating: "- ", count: 50_000) + "x\n").utf8)),
            ("deep-indent", Array((0..<3000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n").utf8)),
            (
                "huge-numbers",
                Array(
                    """
                    name: huge
                    hosts: { local: {} }
                    systems: [ { name: builtin, container: builtin } ]
                    server: { host: local, port: 99999999999999999999999999 }
                    clients: [ { host: local, workers: 18446744073709551617 } ]
                    workload: { protocol: tcp-echo, payload: 9999999999999999999999MiB, connections: [1e400], duration: 99999999999999999999m }
                    """.utf8)
            ),
            (
                "alias-bomb",
                Array(
                    """
                    a: &a ["x","x","x","x","x","x","x","x","x"]
                    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                    """.utf8)
            ),
            ("not-a-mapping", Array("- just\n- a list\n".utf8))
        ]

        @Test(arguments: ["validate", "launch"])
        func malformedFilesExitTwoWithAMessage(command: String) throws {
            let folder = try Harness.scratch("bad-\(command)")
            for (name, bytes) in Self.inputs {
                let path = "\(folder)/\(name).yaml"
                _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
                let arguments = command == "launch" ? [command, path, "--out", folder + "/results-\(name)"] : [command, path]
                let run = try Harness.run(arguments, in: folder, timeout: 30)
                #expect(run.status == 2, "\(command) \(name): exit \(run.status), stderr: \(run.stderr.prefix(500))")
                #expect(run.stderr.contains("\(path):"), "\(command) \(name): \(run.stderr.prefix(500))")
                #expect(run.stderr.contains("error:"), "\(command) \(name)")
                #expect(!run.stderr.contains("Fatal error"), "\(command) \(name) crashed")
                #expect(!FileManager.default.fileExists(atPath: folder + "/results-\(name)"), "nothing started")
            }
        }

        @Test func missingFileAndUsageErrorsExitTwo() throws {
            let folder = try Harness.scratch("usage")
            let missing = try Harness.run(["validate", folder + "/nope.yaml"], in: folder)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no such file"))
            let usage = try Harness.run(["launch"], in: folder)
            #expect(usage.status == 2)
            let unknown = try Harness.run(["frobnicate"], in: folder)
            #expect(unknown.status == 2)
            let noRecipes = try Harness.run(
                [
                    "validate", Harness.packageRoot + "/Topologies/quick-local.yaml",
                    "--containers", folder + "/nope"
                ], in: folder)
            #expect(noRecipes.status == 2)
            #expect(noRecipes.stderr.contains("--containers \(folder)/nope: no such folder"), "\(noRecipes.stderr)")
            let emptyRecipes = try Harness.run(
                [
                    "validate", Harness.packageRoot + "/Topologies/quick-local.yaml",
                    "--containers", folder
                ], in: folder)
            #expect(emptyRecipes.status == 2)
            #expect(emptyRecipes.stderr.contains("unknown container 'python-echo'"), "\(emptyRecipes.stderr)")
            #expect(emptyRecipes.stderr.contains("note: recipes are the folders of \(folder)"), "\(emptyRecipes.stderr)")
            let notResults = try Harness.run(["report", folder], in: folder)
            #expect(notResults.status == 2)
            #expect(notResults.stderr.contains("not a results directory"))
        }

        /// `--out` never mixes a run into an earlier one's results: a folder that holds anything,
        /// or a file, is refused before anything starts, and left as it was.
        @Test func outIntoAnEarlierRunOrAFileIsRefused() throws {
            let folder = try Harness.scratch("out-taken")
            let file = try Harness.topology(
                """
                name: out-taken
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local } ]
                workload: { protocol: tcp-echo, connections: 1, warmup: 100ms, duration: 100ms }
                """, in: folder)
            let earlier = folder + "/earlier"
            try FileManager.default.createDirectory(atPath: earlier, withIntermediateDirectories: true)
            try "{\"status\": \"ok\"}".write(toFile: earlier + "/summary.json", atomically: true, encoding: .utf8)
            let taken = try Harness.run(["launch", file, "--out", earlier], in: folder)
            #expect(taken.status == 2, "\(taken.stderr)")
            #expect(taken.stderr.contains("\(earlier) already holds 1 entry"), "\(taken.stderr)")
            #expect(try String(contentsOfFile: earlier + "/summary.json", encoding: .utf8) == "{\"status\": \"ok\"}")
            #expect(try FileManager.default.contentsOfDirectory(atPath: earlier) == ["summary.json"])

            let plain = try Harness.run(["launch", file, "--out", earlier + "/summary.json"], in: folder)
            #expect(plain.status == 2)
            #expect(plain.stderr.contains("is a file, not a folder"), "\(plain.stderr)")

            // An empty folder is fine.
            let empty = folder + "/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let run = try Harness.run(["launch", file, "--out", empty, "--quiet"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: empty + "/summary.json"))
        }

        @Test func validatePrintsThePlan() throws {
            let folder = try Harness.scratch("plan")
            let file = try Harness.topology(EndToEnd.LaunchTests.topology(name: "plan", connections: "[20, 101]"), in: folder)
            let run = try Harness.run(["validate", file], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("client-1"))
            #expect(run.stdout.contains("server"))
            #expect(run.stdout.contains("51"), "101 over 2 workers gives 51 and 50: \(run.stdout)")
        }
    }
}
