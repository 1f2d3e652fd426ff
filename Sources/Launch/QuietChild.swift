import Glibc

/// A child started outside any libuv loop (the ssh-reaper, and the `ssh -O exit` it runs):
/// `posix_spawnp` with stdin, stdout and stderr on /dev/null, since neither has anything to
/// say and neither may hold its parent's output pipes open.
public enum QuietChild {
    /// Starts `arguments` (the first one looked up on PATH unless it holds a `/`); its pid, or
    /// nil if it could not be started.
    public static func start(_ arguments: [String]) -> pid_t? {
        guard let file = arguments.first else { return nil }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var pid: pid_t = 0
        return posix_spawnp(&pid, file, &actions, nil, &argv, environ) == 0 ? pid : nil
    }
}
