import ArgumentParser
import Cgroups
import UV

/// `barrage cgexec`: internal; how the server worker starts a server under limits. Joins the
/// given cgroups, then execs the command, so the whole tree is limited from the start.
///
/// Exit statuses follow env(1): 125 if a cgroup cannot be joined, 126 if the command cannot
/// be run, 127 if it is not found; otherwise the command's own (it replaces this process).
struct CgexecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cgexec",
        abstract: "Internal: run a command inside cgroups (the server under its limits).", shouldDisplay: false)

    @Option(name: .customLong("cgroup"), help: "A cgroup directory to join; repeat for each hierarchy.")
    var cgroups: [String] = []

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        let failure = CgroupExec.run(cgroups: cgroups, command: command)
        StandardError.write("barrage cgexec: \(failure.message)\n")
        throw ExitCode(failure.exitCode)
    }
}
