import Glibc

/// A file read line by line without holding it whole (a day's interval log is large).
final class LineFile {
    private let file: UnsafeMutablePointer<FILE>

    /// The file at `path` opened for reading; nil when it cannot be.
    init?(path: String) {
        guard let file = fopen(path, "r") else { return nil }
        self.file = file
    }

    deinit { fclose(file) }

    /// The next line without its newline; nil at the end.
    func next() -> Substring? {
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        let text = String(cString: buffer)
        return text.hasSuffix("\n") ? text.dropLast() : Substring(text)
    }
}
