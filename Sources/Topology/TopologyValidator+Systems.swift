/// The `systems` section.
extension TopologyValidator {
    static let systemKeys = ["name", "container", "target", "env"]

    /// The systems; where each external system's target is written (for checks that need the
    /// clients); and whether every system was written with a `target` (even one reported bad),
    /// so that a bad address does not also ask for a `server` section.
    mutating func systems(_ top: Fields) -> (list: [System], targetMarks: [String: SourceMark], allTargets: Bool)? {
        guard let node = required(top, "systems"),
            let items = items(node, label: "systems", what: "system", maximum: Self.maximumSystems)
        else { return nil }
        var result: [System] = []
        var targetMarks: [String: SourceMark] = [:]
        var seen = DuplicateCheck<String>()
        for (index, item) in items.enumerated() {
            let place = "in system \(index + 1)"
            guard
                let fields = fields(
                    of: item, label: "system \(index + 1)", place: place,
                    allowed: Self.systemKeys)
            else { continue }
            var system = System(name: "", container: "")
            if let node = required(fields, "name"), let scalar = scalar(node, label: "system name") {
                if !NameRules.isPlainName(scalar.text) {
                    sink.report(
                        "bad system name \(Quote.quoted(scalar.text)): use lowercase letters, digits and '-' "
                            + "(starting with a letter or digit, at most \(NameRules.maximumLength) characters)",
                        at: scalar.mark)
                } else {
                    _ = seen.admits(
                        scalar.text, at: scalar.mark, into: &sink,
                        duplicate: "duplicate system name \(Quote.quoted(scalar.text))")
                }
                system.name = scalar.text
            }
            switch (fields.fields["container"], fields.fields["target"]) {
            case (nil, nil):
                sink.report(
                    "missing required key 'container' \(place) (a recipe in Containers/ or builtin; or 'target': "
                        + "HOST:PORT of a server already running)", at: fields.mark)
                continue
            case (.some, .some(let both)):
                sink.report(
                    "system has both 'container' and 'target'; give one: 'container' for a server Barrage starts, "
                        + "'target' for one already running", at: both.keyMark)
                continue
            case (nil, .some(let field)):
                guard let scalar = scalar(field.value, label: "target") else { continue }
                switch ServerEndpoint.parse(scalar.text) {
                case .success(let target):
                    system.target = target
                    targetMarks[system.name] = scalar.mark
                case .failure(let problem):
                    sink.report("target \(Quote.quoted(scalar.text)) \(problem.words)", at: scalar.mark)
                }
                if let env = fields.fields["env"] {
                    sink.report(
                        "env is passed to a server Barrage starts; a system with 'target' is already running "
                            + "and gets nothing from Barrage", at: env.keyMark)
                }
                result.append(system)
                continue
            case (.some, nil):
                break
            }
            if let node = required(fields, "container"), let scalar = scalar(node, label: "container") {
                if !knownContainers.contains(scalar.text) {
                    let known = knownContainers.sorted { lhs, rhs in
                        // builtin first: it is always there and the usual baseline.
                        (lhs == "builtin" ? "" : lhs) < (rhs == "builtin" ? "" : rhs)
                    }
                    var message = "unknown container \(Quote.quoted(scalar.text))"
                    if let guess = Spelling.suggestion(for: scalar.text, among: known) {
                        message += "; did you mean '\(guess)'? Known containers: "
                    } else {
                        message += "; known containers: "
                    }
                    message += known.joined(separator: ", ")
                    sink.report(message, at: scalar.mark)
                }
                system.container = scalar.text
            }
            if let node = fields.value("env") {
                system.env = environment(node)
            }
            result.append(system)
        }
        let allTargets =
            !items.isEmpty
            && items.allSatisfy { item in
                guard case .mapping(let mapping) = item else { return false }
                let keys = mapping.entries.compactMap { if case .scalar(let key) = $0.key { key.text } else { nil } }
                return keys.contains("target") && !keys.contains("container")
            }
        return (result, targetMarks, allTargets)
    }

    private mutating func environment(_ node: YAMLNode) -> [EnvironmentVariable] {
        guard case .mapping(let mapping) = node else {
            reportWrongKind(node, label: "env", expected: "a mapping of NAME: value")
            return []
        }
        guard mapping.entries.count <= Self.maximumEnvironmentVariables else {
            sink.report(
                "env has \(mapping.entries.count) variables; at most \(Self.maximumEnvironmentVariables)",
                at: mapping.mark)
            return []
        }
        var result: [EnvironmentVariable] = []
        for entry in entries(of: mapping, place: "in env") {
            if !NameRules.isEnvironmentName(entry.name) {
                sink.report(
                    "bad environment variable name \(Quote.quoted(entry.name)): use letters, digits and '_', "
                        + "not starting with a digit", at: entry.keyMark)
            }
            // Scalars of any type are kept as written: `GOMAXPROCS: 1` means the text "1".
            guard case .scalar(let scalar) = entry.value else {
                reportWrongKind(
                    entry.value, label: "env value for \(Quote.quoted(entry.name))",
                    expected: "a single value")
                continue
            }
            if scalar.text.unicodeScalars.contains("\0") {
                sink.report(
                    "env value for \(Quote.quoted(entry.name)) contains a NUL character, which no process "
                        + "environment can hold", at: scalar.mark)
            }
            result.append(EnvironmentVariable(name: entry.name, value: scalar.text))
        }
        return result
    }
}
