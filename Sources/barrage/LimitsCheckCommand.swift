import ArgumentParser
import Cgroups
import Foundation
import Topology

/// `barrage limits-check --limits JSON`: internal; the limits preflight on a remote server
/// host, run over ssh while hosts are prepared, so limits that host cannot enforce stop the
/// run before it starts there too (as they do on this machine), not one failed cell at a time.
struct LimitsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits-check",
        abstract: "Internal: can this host enforce these server limits? Exit 0 with the plan, or 1 with why not.",
        shouldDisplay: false)

    @Option(help: "The limits, as the topology's server.limits in JSON.")
    var limits: String

    func run() throws {
        guard let decoded = try? JSONDecoder().decode(Limits.self, from: Data(limits.utf8)) else {
            printError("barrage limits-check: not limits in JSON: \(limits)")
            throw ExitCode(2)
        }
        switch CgroupLimiter.preflight(decoded) {
        case .success(let plan):
            print(plan.summary)
        case .failure(let error):
            printError(error.message)
            throw ExitCode(1)
        }
    }
}
