import CUV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process (`uv_process_t`, spawned with `uv_spawn`).
///
/// The handle closes itself right after `onExit` has run: once the child is reaped its pid
/// may be reused, so keeping a handle to signal it would be a hazard. Closing it earlier
/// (or `Loop.closeAll()`) drops `onExit` and stops watching the child, which then stays a
/// zombie until this process exits — prefer `kill` and wait for `onExit`.
///
/// `onExit` and EOF on a stdout/stderr pipe arrive in either order (the child may exit
/// before its output is drained, or a grandchild may hold the pipe open after it exits);
/// wait for both when you need both.
public final class Process: Handle {
    /// What a child's stdin/stdout/stderr is connected to.
    public enum Stdio {
        /// `/dev/null`.
        case ignore
        /// This process's file descriptor, passed to the child as-is.
        case inherit(Int32)
        /// A new, not yet opened `Pipe`; after spawning it is connected to the child.
        case pipe(Pipe)
    }

    /// What to spawn and how.
    public struct Options {
        /// Path of the executable (searched in `PATH` if it has no slash); also `argv[0]`.
        public var executable: String
        /// Arguments, *not* including `argv[0]` (which is `executable`).
        public var arguments: [String]
        /// The child's environment; nil inherits ours.
        public var environment: [String: String]?
        /// The child's working directory; nil inherits ours.
        public var workingDirectory: String?
        /// The child's stdin.
        public var stdin: Stdio
        /// The child's stdout.
        public var stdout: Stdio
        /// The child's stderr.
        public var stderr: Stdio
        /// `UV_PROCESS_DETACHED`: the child gets its own session and process group (pgid ==
        /// pid), so `Process.kill(pid: -pid, signal:)` reaches its whole tree.
        public var detached: Bool

        /// Options with our environment and working directory, stdio ignored, not detached.
        public init(
            executable: String,
            arguments: [String] = [],
            environment: [String: String]? = nil,
            workingDirectory: String? = nil,
            stdin: Stdio = .ignore,
            stdout: Stdio = .ignore,
            stderr: Stdio = .ignore,
            detached: Bool = false
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.detached = detached
        }
    }

    private var onExit: ((Int64, Int32) -> Void)?

    /// The child's process id, recorded at spawn (still readable after exit).
    public private(set) var pid: Int32 = 0

    /// Spawns the child (`uv_spawn`). `onExit(exitStatus, termSignal)` runs on the loop when
    /// it exits (`termSignal` is 0 unless a signal killed it); the handle closes itself after.
    ///
    /// Throws `UVError` (e.g. `ENOENT` for a missing executable) and then `onExit` never
    /// runs; the handle is still `uv_close`d as libuv requires, and any `.pipe` given in
    /// `options` is closed too, since it can no longer be connected.
    public init(loop: Loop, options: Options, onExit: @escaping (Int64, Int32) -> Void) throws {
        self.onExit = onExit
        super.init(loop: loop, type: UV_PROCESS)
        let pipes = [options.stdin, options.stdout, options.stderr].compactMap { stdio -> Pipe? in
            if case .pipe(let pipe) = stdio { return pipe } else { return nil }
        }
        guard !loop.isClosed, pipes.allSatisfy({ $0.state == .open }) else {
            for pipe in pipes { pipe.close() }
            throw UVError(code: UV_EBADF.rawValue, operation: "uv_spawn (loop or stdio pipe closed)")
        }

        // C copies of every string; uv_spawn has forked and exec'd (or failed) by the time
        // it returns, so they are freed right after.
        let file = strdup(options.executable)
        let argv = CStringArray([options.executable] + options.arguments)
        let envp = options.environment.map { env in CStringArray(env.map { "\($0.key)=\($0.value)" }) }
        let cwd = options.workingDirectory.map { strdup($0) }
        defer {
            free(file)
            free(cwd ?? nil)
        }

        var stdio = [options.stdin, options.stdout, options.stderr].enumerated().map { fd, stdio in
            Process.container(for: stdio, childReads: fd == 0)
        }
        var uvOptions = uv_process_options_t()
        uvOptions.exit_cb = { process, exitStatus, termSignal in
            guard let data = process?.pointee.data else { return }
            let this = Unmanaged<Process>.fromOpaque(data).takeUnretainedValue()
            let onExit = this.onExit
            this.onExit = nil
            onExit?(exitStatus, termSignal)
            this.close()
        }
        uvOptions.file = UnsafePointer(file)
        uvOptions.args = argv.pointer
        uvOptions.env = envp?.pointer
        uvOptions.cwd = UnsafePointer(cwd ?? nil)
        uvOptions.flags = options.detached ? UV_PROCESS_DETACHED.rawValue : 0
        let result = stdio.withUnsafeMutableBufferPointer { containers in
            uvOptions.stdio_count = Int32(containers.count)
            uvOptions.stdio = containers.baseAddress
            return uv_spawn(loop.pointer, process, &uvOptions)
        }
        withExtendedLifetime((argv, envp)) {}

        guard result == 0 else {
            // uv_spawn initialised the handle even though it failed, and libuv requires
            // uv_close for it; no owner is attached, so onExit can never run.
            self.onExit = nil
            abandonInitializedHandle()
            for pipe in pipes { pipe.close() }
            throw UVError(code: result, operation: "uv_spawn(\(options.executable))")
        }
        pid = process.pointee.pid
        markOpen()
    }

    private var process: UnsafeMutablePointer<uv_process_t> {
        raw.assumingMemoryBound(to: uv_process_t.self)
    }

    private static func container(for stdio: Stdio, childReads: Bool) -> uv_stdio_container_t {
        var container = uv_stdio_container_t()
        switch stdio {
        case .ignore:
            container.flags = UV_IGNORE
        case .inherit(let fd):
            container.flags = UV_INHERIT_FD
            container.data.fd = fd
        case .pipe(let pipe):
            // The direction is the child's view: it reads its stdin, writes stdout/stderr.
            let direction = childReads ? UV_READABLE_PIPE : UV_WRITABLE_PIPE
            container.flags = uv_stdio_flags(UV_CREATE_PIPE.rawValue | direction.rawValue)
            container.data.stream = pipe.stream
        }
        return container
    }

    /// Sends `signum` to the child (`uv_process_kill`). Throws `ESRCH` once the child has
    /// exited (the handle is closed then).
    public func kill(_ signum: Int32) throws {
        guard state == .open else { throw UVError(code: UV_ESRCH.rawValue, operation: "uv_process_kill") }
        try uvCheck("uv_process_kill", uv_process_kill(process, signum))
    }

    /// Sends `signal` to any pid (`uv_kill`); a negative pid signals that process group.
    public static func kill(pid: Int32, signal: Int32) throws {
        try uvCheck("uv_kill", uv_kill(pid, signal))
    }

    override func dropCallbacks() {
        onExit = nil
        super.dropCallbacks()
    }
}

/// A NULL-terminated `char*[]` owning `strdup`ed copies, for argv/envp.
private final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { (pointer + index).initialize(to: strdup(string)) }
        (pointer + strings.count).initialize(to: nil)
    }

    deinit {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}
