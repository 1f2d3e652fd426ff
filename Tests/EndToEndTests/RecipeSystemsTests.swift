import Foundation
import Testing

extension EndToEnd {
    /// Every gRPC recipe in Containers/, checked the way Barrage uses it: the recipe check
    /// (Tests/recipes/check-grpc-recipe.py: build twice, refusals, unary, stream, UNIMPLEMENTED,
    /// SIGTERM), then a short `barrage launch` of all of them, one unary and one stream cell each;
    /// and the any-service recipe's own check.
    @Suite struct RecipeSystemsTests {
        /// The gRPC recipes these tests cover. A new recipe joins by its folder name here.
        static let recipes = ["grpc-go", "grpc-python", "rust-hyper", "grpc-cpp", "grpc-java", "grpc-swift-2"]

        /// Where `barrage launch` keeps each recipe's build (see LaunchCommand.buildCache): the
        /// check builds there too, so each recipe is built once for both tests (and for `make run`).
        static func buildDirectory(_ recipe: String) -> String {
            let environment = ProcessInfo.processInfo.environment
            let base =
                environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? "/tmp") + "/.cache"
            return base + "/barrage/build/" + recipe
        }

        /// Runs a check script of Tests/recipes/ with python3, output to a file, bounded at 30
        /// minutes; its exit status and what it printed.
        static func runCheck(_ script: String, arguments: [String], buildFor recipe: String) throws -> (
            status: Int32, text: String
        ) {
            let folder = try Harness.scratch("recipe-check-\(recipe)")
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            check.arguments = ["python3", Harness.packageRoot + "/Tests/recipes/" + script] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["BARRAGE_BUILD_DIR"] = Self.buildDirectory(recipe)
            environment["CHECK_CLIENT_BUILD_DIR"] = Self.buildDirectory("grpc-python")
            check.environment = environment
            let outputPath = folder + "/check.txt"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            check.standardOutput = output
            check.standardError = output
            check.standardInput = FileHandle.nullDevice
            try check.run()
            // A cold build of grpc-swift-2 takes ~15 minutes on 2 idle cores (rust-hyper ~1); the
            // check bounds each step.
            let deadline = Date().addingTimeInterval(1800)
            while check.isRunning && Date() < deadline { usleep(100_000) }
            if check.isRunning {
                kill(check.processIdentifier, SIGKILL)
                check.waitUntilExit()
                Issue.record("the \(recipe) check did not finish within 30 minutes")
            }
            return (check.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
        }

        @Test(arguments: recipes)
        func recipePassesTheRecipeCheck(recipe: String) throws {
            let (status, text) = try Self.runCheck("check-grpc-recipe.py", arguments: [recipe], buildFor: recipe)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(status == 0, "\(recipe): \(text)")
            #expect(lines.last?.hasSuffix(" passed, 0 failed") == true, "\(recipe): \(text)")
            // The check itself proves unary, stream and UNIMPLEMENTED; make sure it got that far.
            #expect(lines.contains { $0.contains("100 unary calls echoed") }, "\(recipe): \(text)")
            #expect(lines.contains { $0.contains("one stream: 10 ping-pongs") }, "\(recipe): \(text)")
            #expect(text.contains("UNIMPLEMENTED (12)"), "\(recipe): \(text)")
            // Every shipped recipe serves TLS and mutual TLS when told (issue #19).
            #expect(lines.contains { $0.contains("\(recipe): TLS: 10 unary calls echoed") }, "\(recipe): \(text)")
            #expect(lines.contains { $0.contains("\(recipe): mutual TLS: 10 unary calls echoed") }, "\(recipe): \(text)")
            #expect(
                FileManager.default.fileExists(atPath: Self.buildDirectory(recipe) + "/versions.txt"),
                "\(recipe): its build wrote no versions.txt")
        }

        /// Containers/any-service, the service that is not bench.Echo: its own check
        /// (Tests/recipes/check-any-service.py) drives every method and reads its counters.
        @Test func anyServicePassesItsCheck() throws {
            let (status, text) = try Self.runCheck("check-any-service.py", arguments: [], buildFor: "any-service")
            #expect(status == 0, "\(text)")
            #expect(text.split(separator: "\n").last?.hasSuffix(" passed, 0 failed") == true, "\(text)")
            #expect(text.contains("a changed amount is INVALID_ARGUMENT"), "\(text)")
            #expect(text.contains("is DEADLINE_EXCEEDED after"), "\(text)")
            #expect(text.contains("Stats without authorization: every count as expected"), "\(text)")
        }

        @Test(arguments: ["unary", "stream"])
        func everyRecipeServesAShortLaunch(call: String) throws {
            let before = Harness.barragePIDs()
            let folder = try Harness.scratch("recipes-\(call)")
            let systems = Self.recipes.map { "{ name: \($0), container: \($0) }" }.joined(separator: ", ")
            let file = try Harness.topology(
                """
                name: recipes-\(call)
                hosts: { local: {} }
                systems: [ \(systems) ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload: { protocol: grpc, call: \(call), payload: 64B, connections: 100, concurrency: 1,
                            rate: max, warmup: 3s, duration: 2s }
                """, in: folder)
            let results = folder + "/results"
            // The recipe check has built every recipe; then 6 cells of ~7 s each. The 3 s warmup is
            // grpc-java's: its JIT needs that long before its figures settle (its README).
            let run = try Harness.run(["launch", file, "--out", results, "--quiet"], in: folder, timeout: 1800)
            #expect(run.status == 0, "\(run.stderr)")
            Harness.expectEveryCellAnswered(
                // At least one answer per connection per second of the 2 s window: a recipe that
                // answered a handful of calls and then hung does not pass.
                Harness.cells(try Harness.summary(results)), systems: Self.recipes, call: call, moreThan: 200,
                connections: 100)
            #expect(
                Harness.eventually(timeout: 2) { Harness.barrageProcesses(except: before).isEmpty },
                "left running: \(Harness.barrageProcesses(except: before))")
        }
    }
}
