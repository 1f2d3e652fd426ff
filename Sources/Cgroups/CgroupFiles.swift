import Glibc

/// The few file operations cgroups need, with Glibc (no Foundation on these paths: `cgexec`
/// runs them right before exec, and readings run while the server is measured).
enum CgroupFiles {
    /// A whole file as text; nil if it cannot be opened or read. cgroup files report a size of
    /// 0 or 4096 whatever they hold, so this reads until end of file.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A file's first line, trimmed; nil if unreadable.
    static func readLine(_ path: String) -> String? {
        read(path).map { text in String(text.prefix(while: { $0 != "\n" })).trimmingBlanks }
    }

    /// A file holding one unsigned number; nil if unreadable or not a number (`max`).
    static func readNumber(_ path: String) -> UInt64? {
        readLine(path).flatMap { UInt64($0) }
    }

    /// The number after `key` in a `key value` per line file (`cpu.stat`, `memory.events`).
    static func readKeyed(_ path: String, key: String) -> UInt64? {
        guard let text = read(path) else { return nil }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == key { return UInt64(words[1]) }
        }
        return nil
    }

    /// Writes `value` in one `write(2)`: cgroup files act on each write, and a value split
    /// across two writes would be two (wrong) values.
    static func write(_ path: String, _ value: String) throws(CgroupError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CgroupError("cannot open \(path) for writing: \(lastError())", code: errno) }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        var written: Int
        repeat {
            written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        } while written < 0 && errno == EINTR
        guard written == bytes.count else {
            let code = written < 0 ? errno : EIO
            throw CgroupError("cannot write '\(value)' to \(path): \(written < 0 ? lastError() : "short write")", code: code)
        }
    }

    /// Whether a path exists.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates a directory; an existing one is fine only if `existingIsFine`.
    static func makeDirectory(_ path: String, existingIsFine: Bool) throws(CgroupError) {
        if mkdir(path, 0o755) == 0 { return }
        if errno == EEXIST, existingIsFine { return }
        throw CgroupError("cannot create \(path): \(lastError())", code: errno)
    }

    /// The names of the directories directly inside `path` (child cgroups).
    static func subdirectories(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var result: [String] = []
        while let entry = readdir(dir) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { result.append(name) }
        }
        return result.sorted()
    }

    /// The pids listed in a `cgroup.procs` file (empty if unreadable).
    static func processes(_ directory: String) -> [Int32] {
        (read(directory + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    /// `strerror(errno)`.
    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

extension String {
    /// Without leading and trailing blanks, tabs and newlines.
    var trimmingBlanks: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\n" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\n" { text.removeLast() }
        return String(text)
    }
}
