import Glibc

/// A file appended to line by line as a run goes on, each `append` one `write(2)`, so a
/// coordinator killed at any moment leaves whole lines (and at most one cut last line, which
/// readers skip).
final class AppendedFile {
    private let descriptor: Int32

    /// Creates or opens `path` for appending; nil when it cannot be.
    init?(path: String) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// Appends `text`; false when the write failed (a full disk, say).
    @discardableResult
    func append(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
