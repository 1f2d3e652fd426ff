import Glibc

/// A recipe folder under /tmp (`run`, maybe `build`), removed with everything the recipe
/// wrote into it when the test is done with it.
final class FakeRecipe {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let directory: String

    init(run: String, build: String? = nil) throws {
        var template = Array("/tmp/barrage-recipe-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed (errno \(errno))") }
        directory = String(cString: made)
        try write("run", run)
        if let build { try write("build", build) }
    }

    deinit {
        // Flat folder: the recipes here write files only.
        if let dir = opendir(directory) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != ".", name != ".." { unlink(directory + "/" + name) }
            }
            closedir(dir)
        }
        rmdir(directory)
    }

    /// Writes an executable script.
    func write(_ name: String, _ text: String) throws {
        let path = directory + "/" + name
        guard let file = fopen(path, "w") else { throw Failure(description: "cannot write \(path)") }
        fputs(text, file)
        fclose(file)
        chmod(path, 0o755)
    }

    /// A file the recipe wrote, trimmed; nil if it is not there.
    func read(_ name: String) -> String? {
        guard let file = fopen(directory + "/" + name, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }

    /// A pid the recipe wrote into `name`.
    func pid(_ name: String) -> Int32? {
        read(name).flatMap { Int32($0) }
    }
}

/// Whether `pid` is a live process (a zombie is not: it has ended and only waits to be reaped).
func isAlive(_ pid: Int32) -> Bool {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return false }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 1024)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
    let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // The state is the first field after the name, which ends at the last ")".
    guard let close = line.lastIndex(of: ")") else { return false }
    let state = line[line.index(after: close)...].drop { $0 == " " }.first
    return state != "Z" && state != "X"
}

/// Polls `condition` every 10 ms for up to `seconds`; whether it came true.
func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    for _ in 0..<Int(seconds * 100) {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
