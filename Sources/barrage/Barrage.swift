import ArgumentParser

/// The `barrage` command line.
struct Barrage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barrage",
        abstract: "Compare RPC servers under load: launch a topology, merge every node's figures.",
        version: "0.1.0",
        subcommands: [
            LaunchCommand.self, ValidateCommand.self, ReportCommand.self, CompareCommand.self, HostsCommand.self,
            LoadCommand.self, WorkerCommand.self, ServeCommand.self, CgexecCommand.self, LimitsCheckCommand.self,
            SSHReaperCommand.self
        ])
}
