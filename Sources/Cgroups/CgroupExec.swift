import Glibc

/// What `barrage cgexec` does: move this very process into cgroups, then become the command.
///
/// Joining before exec (rather than starting the server and moving it after) means no
/// instruction of the server runs unlimited and every child it forks inherits the cgroups.
public enum CgroupExec {
    /// Joins each cgroup directory (writes this pid into its `cgroup.procs`), then execs
    /// `command` (its first word looked up on `PATH` if it has no `/`), keeping the
    /// environment. Returns only on failure.
    public static func run(cgroups: [String], command: [String]) -> ExecFailure {
        guard let program = command.first, !program.isEmpty else { return .setupFailed("no command given after --") }
        do throws(CgroupError) {
            try join(cgroups)
        } catch {
            return .setupFailed(error.message)
        }
        return exec(command)
    }

    /// Moves this process (all its threads) into each cgroup directory.
    public static func join(_ directories: [String]) throws(CgroupError) {
        let pid = String(getpid())
        for directory in directories {
            do throws(CgroupError) {
                try CgroupFiles.write(directory + "/cgroup.procs", pid)
            } catch {
                throw CgroupError("cannot join cgroup \(directory): \(error.message)", code: error.code)
            }
        }
    }

    /// Replaces this process with `command`; returns only on failure. `execvp` does the
    /// `PATH` search (and runs a script without `#!` with /bin/sh, as shells do).
    public static func exec(_ command: [String]) -> ExecFailure {
        let arguments = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        execvp(command[0], arguments)
        let code = errno
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return .notFound("\(command[0]): \(command[0].contains("/") ? reason : "command not found")")
        default:
            return .cannotRun("\(command[0]): \(reason)")
        }
    }
}
