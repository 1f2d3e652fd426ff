/// Generic readers: mappings, lists, scalars and numbers, each reporting what is wrong.
extension TopologyValidator {
    /// One entry of a mapping whose keys are names chosen by the user (hosts, env).
    struct NamedEntry {
        var name: String
        var keyMark: SourceMark
        var value: YAMLNode
    }

    /// The mapping's entries with plain-text keys, in file order; reports non-text and duplicate keys.
    mutating func entries(of mapping: YAMLMapping, place: String) -> [NamedEntry] {
        var seen = DuplicateCheck<String>()
        var result: [NamedEntry] = []
        for entry in mapping.entries {
            guard case .scalar(let key) = entry.key else {
                if !entry.key.isInvalid {
                    sink.report(
                        "keys \(place) must be plain names, found \(entry.key.kindDescription)",
                        at: entry.key.mark)
                }
                continue
            }
            guard
                seen.admits(
                    key.text, at: key.mark, into: &sink, duplicate: "duplicate key \(Quote.quoted(key.text)) \(place)")
            else { continue }
            result.append(NamedEntry(name: key.text, keyMark: key.mark, value: entry.value))
        }
        return result
    }

    /// Reads a mapping with a fixed set of keys; reports unknown keys with a suggestion.
    mutating func fields(of node: YAMLNode, label: String, place: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            reportWrongKind(node, label: label, expected: "a mapping")
            return nil
        }
        var result = Fields(mark: mapping.mark, place: place)
        for entry in entries(of: mapping, place: place) {
            guard allowed.contains(entry.name) else {
                var message = "unknown key \(Quote.quoted(entry.name)) \(place)"
                if let guess = Spelling.suggestion(for: entry.name, among: allowed) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += "; allowed keys: " + allowed.joined(separator: ", ")
                }
                sink.report(message, at: entry.keyMark)
                continue
            }
            result.fields[entry.name] = Fields.Field(keyMark: entry.keyMark, value: entry.value)
        }
        return result
    }

    /// The value of a required key; reports it missing (at the mapping) or empty (at the value).
    mutating func required(_ fields: Fields, _ key: String) -> YAMLNode? {
        guard let field = fields.fields[key] else {
            sink.report("missing required key '\(key)' \(fields.place)", at: fields.mark)
            return nil
        }
        guard !field.value.isNull else {
            sink.report("'\(key)' needs a value", at: field.value.mark)
            return nil
        }
        return field.value
    }

    /// A list's items; reports a non-list, an empty list or one longer than `maximum`.
    mutating func items(_ node: YAMLNode, label: String, what: String, maximum: Int) -> [YAMLNode]? {
        guard case .sequence(let sequence) = node else {
            reportWrongKind(node, label: label, expected: "a list")
            return nil
        }
        guard !sequence.items.isEmpty else {
            sink.report("\(label) must list at least one \(what)", at: sequence.mark)
            return nil
        }
        guard sequence.items.count <= maximum else {
            sink.report("\(label) lists \(sequence.items.count) entries; at most \(maximum)", at: sequence.mark)
            return nil
        }
        return sequence.items
    }

    /// A single value (not a list or mapping).
    mutating func scalar(_ node: YAMLNode, label: String) -> YAMLScalar? {
        guard case .scalar(let scalar) = node, !scalar.isNull else {
            reportWrongKind(node, label: label, expected: "a single value")
            return nil
        }
        return scalar
    }

    /// A non-empty single line of text without surrounding spaces (paths, addresses).
    mutating func word(_ node: YAMLNode, label: String) -> String? {
        guard let scalar = scalar(node, label: label) else { return nil }
        guard !scalar.text.isEmpty,
            !scalar.text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else {
            sink.report(
                "\(label) must be non-empty text without spaces, found \(Quote.quoted(scalar.text))",
                at: scalar.mark)
            return nil
        }
        return scalar.text
    }

    /// One of a fixed set of words, with a suggestion for near misses.
    mutating func choice(_ node: YAMLNode, label: String, among options: [String]) -> String? {
        guard let scalar = scalar(node, label: label) else { return nil }
        guard options.contains(scalar.text) else {
            var message = "unknown \(label) \(Quote.quoted(scalar.text)); use " + Self.orList(options)
            if let guess = Spelling.suggestion(for: scalar.text, among: options) {
                message += " (did you mean '\(guess)'?)"
            }
            sink.report(message, at: scalar.mark)
            return nil
        }
        return scalar.text
    }

    /// A whole number in `range`.
    mutating func integer(_ node: YAMLNode, label: String, in range: ClosedRange<Int>) -> Int? {
        guard let scalar = scalar(node, label: label) else { return nil }
        switch Quantity.integer(scalar.text) {
        case .value(let value):
            return checked(
                value, in: range, label: label, text: scalar.text, mark: scalar.mark,
                bounds: (String(range.lowerBound), String(range.upperBound)))
        case .tooLarge where scalar.text.hasPrefix("-"):
            sink.report(
                "\(label) \(Quote.fragment(scalar.text)) is out of range; at least \(range.lowerBound)",
                at: scalar.mark)
        case .tooLarge:
            reportTooLarge(label: label, text: scalar.text, upper: String(range.upperBound), mark: scalar.mark)
        case .invalid(let shape):
            reportUnreadable(label: label, text: scalar.text, shape: shape, mark: scalar.mark)
        }
        return nil
    }

    /// `value` if within `range`; otherwise reports it with the bounds as the user reads them.
    mutating func checked<Value: Comparable>(
        _ value: Value, in range: ClosedRange<Value>, label: String,
        text: String, mark: SourceMark,
        bounds: (lower: String, upper: String)
    ) -> Value? {
        if value < range.lowerBound {
            sink.report("\(label) must be at least \(bounds.lower), found \(Quote.fragment(text))", at: mark)
            return nil
        }
        if value > range.upperBound {
            reportTooLarge(label: label, text: text, upper: bounds.upper, mark: mark)
            return nil
        }
        return value
    }

    mutating func reportTooLarge(label: String, text: String, upper: String, mark: SourceMark) {
        sink.report("\(label) \(Quote.fragment(text)) is out of range; at most \(upper)", at: mark)
    }

    mutating func reportUnreadable(label: String, text: String, shape: String, mark: SourceMark) {
        sink.report("\(label) must be \(shape), found \(Quote.quoted(text))", at: mark)
    }

    mutating func reportWrongKind(_ node: YAMLNode, label: String, expected: String) {
        // Invalid nodes (aliases) were reported when composing; saying more would only repeat it.
        guard !node.isInvalid else { return }
        sink.report("\(label) must be \(expected), found \(node.kindDescription)", at: node.mark)
    }

    /// "a, b or c".
    static func orList(_ words: [String]) -> String {
        guard words.count > 1, let last = words.last else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}
