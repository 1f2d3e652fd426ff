/// Follows line and column through text the way libyaml counts them (columns in Unicode
/// scalars; `\r\n` is one break; NEL, LS and PS also break lines), so our marks match its marks.
struct LineTracker {
    private(set) var mark: SourceMark
    private var afterCarriageReturn = false

    /// Starts at `mark`, the start of the file unless resuming mid-way.
    init(at mark: SourceMark = .start) {
        self.mark = mark
    }

    mutating func advance(over scalar: Unicode.Scalar) {
        defer { afterCarriageReturn = scalar == "\r" }
        switch scalar.value {
        case 0x0A where afterCarriageReturn:
            return  // second half of \r\n; the \r already started the new line
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
            mark = SourceMark(line: mark.line + 1, column: 1)
        default:
            mark.column += 1
        }
    }
}
