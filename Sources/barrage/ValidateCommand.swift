import ArgumentParser
import Topology

/// `barrage validate TOPOLOGY`: checks the file and prints the plan.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a topology file and print the plan: which process runs where, with how many connections.")

    @Argument(help: "The topology file (YAML).")
    var topology: String

    @Option(help: "The Containers/ folder (default: found beside or above the topology file).")
    var containers: String?

    func run() throws {
        guard let loaded = TopologyLoader.load(path: topology, containers: containers) else { throw ExitCode(2) }
        print(Planner.describe(Planner.plan(loaded.topology)), terminator: "")
    }
}
