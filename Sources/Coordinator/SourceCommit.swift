import Foundation

/// The git commit Barrage was built from, as far as it can be known at run time:
/// `barrage_commit` in summary.json.
///
/// SwiftPM has no build step that could bake the commit into the binary, so this reads the
/// checkout the binary sits in (`<checkout>/.build/…/barrage`) with `git rev-parse HEAD`
/// when the run starts. An installed or copied binary has no checkout above it: nil, never
/// a guess. A tree edited since the build still names its HEAD; the README says so.
public enum SourceCommit {
    /// The commit of the checkout above `executable`, or nil.
    public static func of(executable: String) -> String? {
        guard let root = checkout(above: executable) else { return nil }
        return run(["git", "-C", root, "rev-parse", "--verify", "HEAD"]).flatMap(commit(in:))
    }

    /// What `arguments` (found on the PATH) printed on stdout when it exits 0, else nil.
    ///
    /// posix_spawn and waitpid on that one pid, not Foundation's Process: this runs in the
    /// coordinator before its libuv loop starts, and nothing of it (a SIGCHLD handler, a
    /// watcher thread) may outlive the call and meet the loop's own child handling.
    static func run(_ arguments: [String]) -> String? {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return nil }
        defer { close(pipeEnds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while output.count < 4096 {
            let count = read(pipeEnds[0], &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output += chunk[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited (low 7 bits 0) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// The folder above `executable` that holds both `Package.swift` and `.git` (a folder,
    /// or a file in a worktree), or nil.
    static func checkout(above executable: String) -> String? {
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let manager = FileManager.default
        while url.path != "/" && !url.path.isEmpty {
            if manager.fileExists(atPath: url.path + "/Package.swift"), manager.fileExists(atPath: url.path + "/.git") {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// `text`'s first line when it is a full commit id (40 or 64 hex digits), else nil.
    static func commit(in text: String) -> String? {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let isHex = line.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        return isHex && (line.count == 40 || line.count == 64) ? line : nil
    }
}
