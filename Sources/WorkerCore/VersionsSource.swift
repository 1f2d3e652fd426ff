/// Where a system's versions (summary.json's `system_versions`) are read from once it is built.
public enum VersionsSource: Sendable, Equatable {
    /// The builtin server is this binary: its own version and the C libraries it runs on.
    case builtin
    /// The recipe's `$BARRAGE_BUILD_DIR/versions.txt` at this path; none written, none known.
    case file(String)
}
