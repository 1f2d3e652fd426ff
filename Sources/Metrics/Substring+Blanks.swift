/// Trimming for the line-based files workers read (/proc, versions.txt).
extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
