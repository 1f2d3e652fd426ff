import Foundation
import Posix

/// Compiles a user's `.proto` with the real protobuf toolchain: runs
/// `protoc --include_imports --descriptor_set_out=<tmp> -I<import paths> <file>` and returns the
/// descriptor set's bytes for `ProtoSchema`, or protoc's own error lines.
///
/// An executor with no decision of its own. It runs before any libuv loop starts (validating a
/// topology, `barrage load`), so it waits on its one child with posix_spawn and waitpid, as
/// `SourceCommit` does (both through `Spawner`), leaving no SIGCHLD handler or thread behind.
public struct ProtoCompiler: Sendable {
    /// The protoc program: a name looked up on PATH, or a path.
    public let protoc: String

    /// A compiler running `protoc` (Debian's protobuf-compiler, which also finds the
    /// well-known types' `.proto` files under /usr/include).
    public init(protoc: String = "protoc") {
        self.protoc = protoc
    }

    /// The descriptor set of `file` and every file it imports. `importPaths` are protoc's `-I`
    /// folders; the file's own folder is added when none of them holds it, since protoc
    /// refuses a file outside its import paths.
    /// - Throws: `ProtoCompileError`: protoc missing, the file missing, or protoc's diagnostics
    ///   (each naming the file on disk, its line and column).
    public func compile(file: String, importPaths: [String] = []) throws(ProtoCompileError) -> [UInt8] {
        let absoluteFile = Self.absolute(file)
        guard FileManager.default.isReadableFile(atPath: absoluteFile) else { throw .unreadableFile(file) }
        let paths = Self.searchPaths(for: absoluteFile, given: importPaths.map(Self.absolute))
        var template = Array((NSTemporaryDirectory() + "barrage-protoc-XXXXXX").utf8CString)
        guard let folderPointer = mkdtemp(&template) else { throw .couldNotRun("cannot create a temporary folder") }
        let folder = String(cString: folderPointer)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/descriptor-set.pb"
        let arguments = [protoc, "--include_imports", "--descriptor_set_out=\(output)"] + paths.map { "-I\($0)" } + [absoluteFile]
        let (status, stderr) = try Self.run(arguments)
        guard status == 0 else {
            let lines = stderr.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw .couldNotRun("exited with status \(status) and said nothing") }
            throw .failed(lines.map { ProtocDiagnostic.parse($0) { Self.resolve($0, in: paths) } })
        }
        guard let data = FileManager.default.contents(atPath: output) else {
            throw .couldNotRun("exited 0 but wrote no descriptor set")
        }
        return Array(data)
    }

    /// The import paths protoc gets: those given, then the file's folder when none holds it.
    static func searchPaths(for file: String, given: [String]) -> [String] {
        let holdsFile = given.contains { path in file.hasPrefix(path.hasSuffix("/") ? path : path + "/") }
        return holdsFile ? given : given + [(file as NSString).deletingLastPathComponent]
    }

    /// protoc names files relative to the import path they were found in; the path on disk.
    static func resolve(_ name: String, in paths: [String]) -> String {
        if name.hasPrefix("/") { return name }
        for path in paths where FileManager.default.fileExists(atPath: path + "/" + name) { return path + "/" + name }
        return name
    }

    /// `path` made absolute against the working directory, `.` and `..` resolved: protoc
    /// compares it with the import paths as text.
    static func absolute(_ path: String) -> String {
        (WorkingDirectory.absolute(path) as NSString).standardizingPath
    }

    /// The file `program` names: itself when it holds a `/`, else the first executable
    /// `<folder>/program` along `searchPath` (PATH; an empty entry is the current folder, as
    /// for the shell; unset PATH is `/usr/bin:/bin`). A folder that is missing or that this user
    /// may not search is skipped like one without the program; nil when no folder has it.
    static func locate(_ program: String, searchPath: String?, isExecutable: (String) -> Bool) -> String? {
        if program.contains("/") { return program }
        let folders = (searchPath ?? "/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for folder in folders {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + program
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file this user may execute (false for any error, EACCES too).
    static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

    /// Runs `arguments` with stdin and stdout on /dev/null; its exit status (128 + signal when
    /// killed) and what it wrote on stderr (protoc's diagnostics are short; a runaway stream
    /// is cut at 1 MiB, the child still reaped).
    private static func run(_ arguments: [String]) throws(ProtoCompileError) -> (status: Int32, stderr: String) {
        // Looked up here, not by posix_spawnp: glibc's search answers EACCES, not ENOENT, when
        // PATH holds a folder this user may not enter (root's PATH under sudo, /root/...), and a
        // missing protoc must say what to install whoever runs it.
        guard
            let program = locate(
                arguments[0], searchPath: ProcessInfo.processInfo.environment["PATH"], isExecutable: isExecutableFile)
        else {
            throw .protocNotInstalled(protoc: arguments[0])
        }
        switch Spawner.run(arguments, executable: program, capturing: .standardError, limit: 1 << 20) {
        case .success(let outcome):
            return (outcome.status, outcome.text)
        case .failure(let failure):
            if failure.errno == ENOENT { throw .protocNotInstalled(protoc: arguments[0]) }
            throw .couldNotRun("\(arguments[0]): \(failure)")
        }
    }
}
