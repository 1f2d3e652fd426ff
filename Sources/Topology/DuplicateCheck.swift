/// One list's duplicate check: the values met so far, each with where it was first written.
///
/// Every list whose values name something (system names, scenario names, mapping keys, server
/// hosts) or make cells (sweeps of rates, connections, replicas, cpus, tls) refuses a value
/// written twice, with the same message shape: what was repeated, then `(first at LINE:COLUMN)`
/// (the sink adds the file and the place of the repeat).
struct DuplicateCheck<Value: Hashable> {
    private var firstMarks: [Value: SourceMark] = [:]

    /// Whether `value` is new to this list: then it is remembered at `mark`. When it was met
    /// before, `duplicate` is reported at `mark` with the first place after it (and `hint`
    /// after that), and the answer is false.
    mutating func admits(
        _ value: Value, at mark: SourceMark, into sink: inout DiagnosticSink,
        duplicate: @autoclosure () -> String, hint: @autoclosure () -> String = ""
    ) -> Bool {
        if let first = firstMarks[value] {
            sink.report("\(duplicate()) (first at \(first.description))\(hint())", at: mark)
            return false
        }
        firstMarks[value] = mark
        return true
    }
}
