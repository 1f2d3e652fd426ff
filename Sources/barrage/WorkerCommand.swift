import Agent
import ArgumentParser

/// `barrage worker`: internal; started by the coordinator.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Internal: a worker driven over stdin/stdout by `barrage launch`.", shouldDisplay: false)

    func run() throws {
        let code = WorkerAgent.main(selfExecutable: SelfExecutable.path() ?? "/proc/self/exe")
        if code != 0 { throw ExitCode(code) }
    }
}
