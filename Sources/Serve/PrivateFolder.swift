import Glibc

/// A fresh folder only this user can enter (`mkdtemp`, 0700) holding files only this user can
/// read (0600): where a worker puts the TLS certificates and keys its setup carried, on
/// whatever host it runs. Removed with everything in it when the cell is done (or, at the
/// latest, when this object goes away).
public final class PrivateFolder {
    /// Why a folder or file could not be made, in words naming it and the system's reason.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The folder's absolute path.
    public let path: String
    private var files: [String] = []
    private var removed = false

    /// A new folder under `$TMPDIR` (else `/tmp`), named `barrage-<purpose>-XXXXXX`.
    public init(purpose: String) throws {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/barrage-\(purpose)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "cannot make a private folder in \(base): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit { remove() }

    /// Writes `text` to a new file `name` in the folder, readable by this user only; its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create \(file): \(String(cString: strerror(errno)))")
        }
        files.append(file)
        defer { close(descriptor) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw Failure(description: "cannot write \(file): \(String(cString: strerror(errno)))")
            }
            bytes = bytes.dropFirst(written)
        }
        return file
    }

    /// Removes the files and the folder; again is a no-op.
    public func remove() {
        guard !removed else { return }
        removed = true
        for file in files { unlink(file) }
        rmdir(path)
    }
}
