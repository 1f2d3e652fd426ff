import Glibc

/// Writes diagnostics to file descriptor 2 without touching C's shared `stderr` FILE
/// (which Swift 6 rightly treats as unsynchronised global state).
public enum StandardError {
    /// Writes `text` whole (retrying short writes).
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
        bytes.removeAll()
    }
}
