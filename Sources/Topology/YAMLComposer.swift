// libyaml (Debian's libyaml-dev, the system-library target `CYAML`). We drive its event API
// directly instead of a Swift YAML library's composer because Yams (measured with 6.2.2):
//  - stops at the first duplicate key and reports the *first* occurrence's position, so the
//    other problems in the file could not be reported in the same run;
//  - hashes alias-expanded keys for its duplicate check, so a "billion laughs" alias used as a
//    mapping key takes time proportional to the expanded size (minutes to hours);
//  - composes recursively, bounded only by libyaml's nesting limit of 1000.
// Driving events ourselves gives us every key's position, rejects aliases up front, and stops at
// `maximumDepth` at the exact spot, long before any stack could be exhausted.
internal import CYAML

/// Turns YAML bytes into a `YAMLNode` tree, iteratively and with a depth limit.
enum YAMLComposer {
    /// Far deeper than any topology needs (4 levels), far shallower than anything risky.
    static let maximumDepth = 64

    /// What composing produced.
    enum Outcome {
        /// One document; non-fatal problems (aliases) may have been reported alongside.
        case document(YAMLNode)
        /// No document at all (empty, or only comments).
        case empty
        /// A fatal problem was reported; there is no usable tree.
        case failed
    }

    static func compose(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout DiagnosticSink) -> Outcome {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .empty }
        // Heap-allocated so libyaml's structs never move while it holds pointers into them.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            sink.report("out of memory while reading YAML", at: .start)
            return .failed
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, base, bytes.count)

        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        var builder = TreeBuilder()
        var documents = 0
        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                reportError(of: parser.pointee, bytes: bytes, depth: builder.depth, into: &sink)
                return .failed
            }
            defer { yaml_event_delete(event) }
            let mark = sourceMark(event.pointee.start_mark)
            switch event.pointee.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    sink.report("a topology file holds one YAML document; found a second one", at: mark)
                    return .failed
                }
            case YAML_STREAM_END_EVENT:
                return builder.root.map(Outcome.document) ?? .empty
            case YAML_ALIAS_EVENT:
                let name = cString(event.pointee.data.alias.anchor)
                sink.report(
                    "aliases (*\(Quote.fragment(name))) are not supported in topology files; "
                        + "write the value out in full", at: mark)
                builder.add(.invalid(mark))
            case YAML_SCALAR_EVENT:
                let scalar = event.pointee.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: Int(clamping: scalar.length)),
                    as: UTF8.self)
                builder.add(
                    .scalar(
                        YAMLScalar(
                            text: text, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE,
                            mark: mark)))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard builder.depth < maximumDepth else {
                    sink.report("nesting is deeper than \(maximumDepth) levels", at: mark)
                    return .failed
                }
                builder.open(isMapping: event.pointee.type == YAML_MAPPING_START_EVENT, at: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                builder.close()
            default:
                continue  // stream start, document end: nothing to build
            }
        }
    }

    private static func reportError(
        of parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, depth: Int,
        into sink: inout DiagnosticSink
    ) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if problem.hasPrefix("Maximum nesting level reached") {
            // libyaml's own limit (1000) tripped by its look-ahead; see `FlowDepthScan`.
            let mark = sourceMark(parser.problem_mark)
            let excess = FlowDepthScan.firstExcess(in: bytes, from: mark, depth: depth, limit: maximumDepth)
            sink.report("nesting is deeper than \(maximumDepth) levels", at: excess ?? mark)
            return
        }
        switch parser.error {
        case YAML_MEMORY_ERROR:
            sink.report("out of memory while reading YAML", at: .start)
        case YAML_READER_ERROR:
            // Reader errors carry a byte offset, not a mark. `InputScreen` normally catches these first.
            let offset = Int(clamping: parser.problem_offset)
            sink.report("cannot read the file: \(problem)", at: InputScreen.mark(ofByteOffset: offset, in: bytes))
        default:
            var message = "YAML syntax error: \(problem)"
            if let context = parser.context.map({ String(cString: $0) }) {
                message += " (\(context) at \(sourceMark(parser.context_mark).description))"
            }
            sink.report(message, at: sourceMark(parser.problem_mark))
        }
    }

    /// libyaml marks are 0-based; ours are 1-based like every editor's.
    private static func sourceMark(_ mark: yaml_mark_t) -> SourceMark {
        SourceMark(line: Int(clamping: mark.line) &+ 1, column: Int(clamping: mark.column) &+ 1)
    }

    private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
