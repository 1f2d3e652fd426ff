/// The top level's `scenarios` (or its plain `workload`) and `decision`.
extension TopologyValidator {
    static let scenarioKeys = ["name", "workload"]
    static let maximumScenarios = 64

    /// The run's workloads: `scenarios`, or `workload` as one unnamed scenario; exactly one of them.
    mutating func scenarios(_ top: Fields, clients: ClientReading?) -> [Scenario]? {
        let listed = top.fields["scenarios"]
        if let listed, let single = top.fields["workload"] {
            let (first, second) = single.keyMark < listed.keyMark ? (single, listed) : (listed, single)
            sink.report(
                "use either 'workload' (one workload) or 'scenarios' (several, named), not both "
                    + "(the other is at \(first.keyMark.description))", at: second.keyMark)
            return nil
        }
        guard let listed else {
            guard top.fields["workload"] != nil else {
                sink.report("missing required key 'workload' (or 'scenarios') at the top level", at: top.mark)
                return nil
            }
            return workload(top, clients: clients).map { [Scenario(name: nil, workload: $0)] }
        }
        guard !listed.value.isNull else {
            sink.report("'scenarios' needs a value", at: listed.value.mark)
            return nil
        }
        guard let items = items(listed.value, label: "scenarios", what: "scenario", maximum: Self.maximumScenarios)
        else { return nil }
        var scenarios: [Scenario] = []
        var seen = DuplicateCheck<String>()
        var valid = true
        for (index, item) in items.enumerated() {
            let label = "scenario \(index + 1)"
            guard let fields = fields(of: item, label: label, place: "in \(label)", allowed: Self.scenarioKeys) else {
                valid = false
                continue
            }
            var name: String?
            if let node = required(fields, "name"), let scalar = scalar(node, label: "scenario name") {
                if !NameRules.isPlainName(scalar.text) {
                    sink.report(
                        "bad scenario name \(Quote.quoted(scalar.text)): use lowercase letters, digits and '-' "
                            + "(starting with a letter or digit, at most \(NameRules.maximumLength) characters)",
                        at: scalar.mark)
                } else if seen.admits(
                    scalar.text, at: scalar.mark, into: &sink,
                    duplicate: "duplicate scenario name \(Quote.quoted(scalar.text))")
                {
                    name = scalar.text
                }
            }
            let workload = required(fields, "workload").flatMap {
                self.workload($0, place: "in \(label) workload", clients: clients)
            }
            guard let name, let workload else {
                valid = false
                continue
            }
            scenarios.append(Scenario(name: name, workload: workload))
        }
        return valid ? scenarios : nil
    }

    /// `decision: { load: 10000/s }`; nil when absent. The second value is false when it is wrong.
    mutating func decision(_ top: Fields) -> (decision: Decision?, valid: Bool) {
        guard let node = top.value("decision") else { return (nil, true) }
        guard let fields = fields(of: node, label: "decision", place: "in decision", allowed: ["load"]),
            let load = required(fields, "load").flatMap({ perSecondRate($0, label: "decision load") })
        else { return (nil, false) }
        return (Decision(loadPerSecond: load), true)
    }
}
