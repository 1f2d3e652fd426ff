import Glibc

/// The process's working directory, and paths made absolute against it: a path a user or a
/// remote coordinator gave relative means relative to where Barrage was started.
public enum WorkingDirectory {
    /// The working directory (`getcwd`); "/" if it cannot be read (removed under us).
    public static func current() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against `directory`, unchanged when it already is; nothing else
    /// about it is changed (`..` stays).
    public static func absolute(_ path: String, in directory: String = current()) -> String {
        guard !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
