import Foundation
import Testing

extension EndToEnd {
/// The grpc-java and grpc-swift-2 recipes, each as a user meets it: the recipe contract
/// (`Tests/recipes/check-grpc-recipe.py`), then `barrage launch` with one unary and one stream
/// cell at 100 connections.
@Suite struct RecipeSystemsJVMSwiftTests {
    static let systems = ["grpc-java", "grpc-swift-2"]

    /// Where `barrage launch` keeps a recipe's build (LaunchCommand.buildCache): building there
    /// first means the launch finds it built. A cold grpc-swift-2 build takes minutes, longer
    /// than the server's ready deadline, which covers a first build.
    static func buildCache(_ container: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "/tmp") + "/.cache"
        return base + "/barrage/build/" + container
    }

    /// Runs a program to the end with its output in `folder`; kills it after `timeout` seconds.
    static func execute(_ arguments: [String], environment extra: [String: String], in folder: String,
                        timeout: Double) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Harness.packageRoot)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let outputPath = folder + "/" + (arguments.last.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "out") + ".log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            Issue.record("\(arguments.joined(separator: " ")) still running after \(timeout) s; killing it")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try output.close()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// Java's JIT needs a few seconds before its figures settle (README.md of the recipe);
    /// the others are compiled ahead of time.
    static func warmup(_ system: String) -> String {
        system == "grpc-java" ? "3s" : "1s"
    }

    @Test(arguments: systems)
    func recipeFollowsTheContract(system: String) throws {
        let folder = try Harness.scratch("recipe-\(system)")
        let check = try Self.execute(
            ["python3", Harness.packageRoot + "/Tests/recipes/check-grpc-recipe.py", system],
            environment: ["BARRAGE_BUILD_DIR": Self.buildCache(system),
                          "CHECK_CLIENT_BUILD_DIR": Self.buildCache("grpc-python")],
            in: folder, timeout: 1800)
        #expect(check.status == 0, "\(check.output)")
        // The script closes with "N passed, M failed": every check must have run and passed.
        let closing = check.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(closing.hasSuffix(" passed, 0 failed") && !closing.hasSuffix(": 0 passed, 0 failed"),
                "\(system): \(closing)")
        #expect(check.output.contains("UNIMPLEMENTED (12)"), "\(check.output)")
    }

    @Test(arguments: systems)
    func launchAnswersUnaryAndStreamAtAHundredConnections(system: String) throws {
        let before = Harness.barragePIDs()
        let folder = try Harness.scratch("recipe-launch-\(system)")
        let build = try Self.execute([Harness.packageRoot + "/Containers/\(system)/build"],
                                     environment: ["BARRAGE_BUILD_DIR": Self.buildCache(system)],
                                     in: folder, timeout: 1800)
        try #require(build.status == 0, "\(build.output)")
        for call in ["unary", "stream"] {
            let file = try Harness.topology("""
                name: \(system)-\(call)
                hosts: { local: {} }
                systems: [ { name: \(system), container: \(system) } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload: { protocol: grpc, call: \(call), payload: 64B, connections: 100, concurrency: 1,
                            rate: max, warmup: \(Self.warmup(system)), duration: 2s }
                """, in: folder, name: "\(call).yaml")
            let results = folder + "/results-\(call)"
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 240)
            #expect(run.status == 0, "\(system) \(call): \(run.stderr)")
            let cells = Harness.cells(try Harness.summary(results))
            #expect(cells.count == 1, "\(system) \(call): \(cells.count) cells")
            for cell in cells {
                #expect(cell["system"] as? String == system)
                #expect(cell["status"] as? String == "ok", "\(system) \(call): \(cell["error"] ?? "")")
                #expect((cell["requests"] as? Int ?? 0) > 0, "\(system) \(call): \(cell["requests"] ?? 0) requests")
                #expect(cell["errors"] as? Int == 0, "\(system) \(call): \(cell["errors_by_kind"] ?? "")")
                let clients = try #require(cell["clients"] as? [String: Any])
                #expect(clients["connections_established"] as? Int == 100, "\(system) \(call): \(clients)")
            }
        }
        #expect(Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
    }
}
}
