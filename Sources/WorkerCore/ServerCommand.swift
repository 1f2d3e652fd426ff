/// A process the server worker starts, fully decided: what to run, with which arguments,
/// environment and working directory. The executor spawns it as it is.
public struct ServerCommand: Sendable, Equatable {
    /// Path of the executable; also `argv[0]`.
    public var executable: String
    /// Arguments after `argv[0]`.
    public var arguments: [String]
    /// The whole environment the process gets (nothing else is inherited).
    public var environment: [String: String]
    /// Where it runs; nil: the worker's own working directory.
    public var workingDirectory: String?

    /// A command as given.
    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String?) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// `executable arguments…`, for the log.
    public var commandLine: String {
        ([executable] + arguments).joined(separator: " ")
    }
}
