/// Assembles nodes from start/end events with an explicit stack instead of recursion.
struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        var mark: SourceMark
        /// For mappings: key, value, key, value, … exactly as the events arrive.
        var children: [YAMLNode] = []
    }

    private var stack: [Frame] = []
    private(set) var root: YAMLNode?

    /// How many collections are open right now.
    var depth: Int { stack.count }

    mutating func open(isMapping: Bool, at mark: SourceMark) {
        stack.append(Frame(isMapping: isMapping, mark: mark))
    }

    mutating func close() {
        guard let frame = stack.popLast() else { return }
        if frame.isMapping {
            var entries: [YAMLMapping.Entry] = []
            entries.reserveCapacity(frame.children.count / 2)
            var index = 0
            // libyaml always pairs keys with values; the bound check just keeps us safe regardless.
            while index + 1 < frame.children.count {
                entries.append(YAMLMapping.Entry(key: frame.children[index], value: frame.children[index + 1]))
                index += 2
            }
            add(.mapping(YAMLMapping(entries: entries, mark: frame.mark)))
        } else {
            add(.sequence(YAMLSequence(items: frame.children, mark: frame.mark)))
        }
    }

    mutating func add(_ node: YAMLNode) {
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
