/// Locates where flow brackets first nest deeper than the limit, for the one case where libyaml
/// refuses a file before it emits the events that would tell us: its nesting check counts the
/// *scanner's* flow level, and the scanner reads up to 1024 characters ahead on a line looking
/// for a possible simple key. So `[[[[…` fails at the first bracket with libyaml's own
/// 1000-level message, and we scan that line ourselves to report the exact spot instead.
///
/// This is a small flow-context tokenizer: brackets count, quoted scalars (which start only
/// where a token may start) are skipped, and a ` #` comment ends the line.
enum FlowDepthScan {
    /// The position of the first opening bracket at depth `limit + 1`, scanning from `start`
    /// (where libyaml stopped, at `depth` open collections) to the end of that line.
    static func firstExcess(
        in bytes: UnsafeBufferPointer<UInt8>, from start: SourceMark, depth: Int,
        limit: Int
    ) -> SourceMark? {
        let (line, firstMark) = lineScalars(in: bytes, from: start)
        var depth = depth
        var tracker = LineTracker(at: firstMark)
        var quote: Unicode.Scalar?
        var previous: Unicode.Scalar = " "
        var index = 0
        while index < line.count {
            let scalar = line[index]
            if let open = quote {
                if open == "\"" && scalar == "\\" {
                    tracker.advance(over: scalar)  // the escaped character cannot close the quote
                    index += 1
                } else if scalar == open {
                    if open == "'" && index + 1 < line.count && line[index + 1] == "'" {
                        tracker.advance(over: scalar)  // '' is an escaped quote inside '…'
                        index += 1
                    } else {
                        quote = nil
                    }
                }
            } else {
                switch scalar {
                case "[", "{":
                    depth += 1
                    if depth > limit { return tracker.mark }
                case "]", "}":
                    depth -= 1
                case "\"", "'":
                    // A quote opens a quoted scalar only where a token may start; inside a plain
                    // scalar (`it's`, `a"b`) it is just a character.
                    if [" ", "\t", "[", "{", ",", ":"].contains(previous) {
                        quote = scalar
                    }
                case "#" where previous == " " || previous == "\t":
                    return nil
                default:
                    break
                }
            }
            previous = scalar
            if index < line.count { tracker.advance(over: line[index]) }
            index += 1
        }
        return nil
    }

    /// The scalars from `start` to the end of its line, and the mark of the first one.
    private static func lineScalars(in bytes: UnsafeBufferPointer<UInt8>, from start: SourceMark)
        -> ([Unicode.Scalar], SourceMark)
    {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var tracker = LineTracker()
        var result: [Unicode.Scalar] = []
        while case .valid(let encoded) = parser.parseScalar(from: &iterator) {
            let scalar = Unicode.UTF8.decode(encoded)
            if tracker.mark >= start {
                if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) { break }
                result.append(scalar)
            }
            tracker.advance(over: scalar)
        }
        return (result, start)
    }
}
