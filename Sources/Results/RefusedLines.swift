/// Lines of a cell's interval logs that could not be used (damaged, cut short, past the
/// bounds), counted per file while the logs are read, so `report` names each such file and
/// marks its cell instead of leaving the seconds out in silence.
final class RefusedLines {
    /// Lines refused, by file name in the cell's folder.
    private(set) var byFile: [String: Int] = [:]

    /// `count` lines of `file` were refused. A log read twice (a client rebuilt from its log,
    /// then its seconds) is counted once: the larger count stands.
    func note(_ count: Int, file: String) {
        guard count > 0 else { return }
        byFile[file] = max(byFile[file] ?? 0, count)
    }
}
