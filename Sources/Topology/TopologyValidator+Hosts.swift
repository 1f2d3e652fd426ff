/// The `hosts` section.
extension TopologyValidator {
    static let hostKeys = ["ssh", "identity", "known_hosts", "address"]

    /// Every declared host (also ones with problems, so references to them are not reported as
    /// unknown too); `nil` when the section itself is missing or malformed.
    mutating func hosts(_ top: Fields) -> [Host]? {
        guard let node = required(top, "hosts") else { return nil }
        guard case .mapping(let mapping) = node else {
            reportWrongKind(node, label: "hosts", expected: "a mapping of host names to their settings")
            return nil
        }
        guard !mapping.entries.isEmpty else {
            sink.report("hosts must declare at least one host (e.g. 'local: {}')", at: mapping.mark)
            return nil
        }
        guard mapping.entries.count <= Self.maximumHosts else {
            sink.report("hosts declares \(mapping.entries.count) hosts; at most \(Self.maximumHosts)", at: mapping.mark)
            return nil
        }
        return entries(of: mapping, place: "in hosts").map { host($0) }
    }

    private mutating func host(_ entry: NamedEntry) -> Host {
        var host = Host(name: entry.name)
        if !NameRules.isHostName(entry.name) {
            sink.report(
                "bad host name \(Quote.quoted(entry.name)): use lowercase letters, digits, '-', '_' and '.' "
                    + "(starting with a letter or digit, at most \(NameRules.maximumLength) characters)",
                at: entry.keyMark)
        }
        // No settings at all (`local:` or `local: {}`) is the coordinator's own machine.
        guard !entry.value.isNull else { return host }
        let place = "in host \(Quote.quoted(entry.name))"
        guard
            let fields = fields(
                of: entry.value, label: "host \(Quote.quoted(entry.name))", place: place,
                allowed: Self.hostKeys)
        else { return host }

        if let node = fields.value("ssh"), let scalar = scalar(node, label: "ssh") {
            switch SSHTarget.parsing(scalar.text) {
            case .success(let target): host.ssh = target
            case .failure(let problem): sink.report("bad ssh target: " + problem.message, at: scalar.mark)
            }
        }
        host.identity = fields.value("identity").flatMap { word($0, label: "identity") }
        host.knownHosts = fields.value("known_hosts").flatMap { word($0, label: "known_hosts") }
        host.address = fields.value("address").flatMap { word($0, label: "address") }

        // SSH settings on a host without `ssh` are ignored at run time, which hides a mistake.
        if fields.fields["ssh"] == nil {
            for key in ["identity", "known_hosts"] {
                if let field = fields.fields[key] {
                    sink.report(
                        "'\(key)' only applies to SSH hosts; host \(Quote.quoted(entry.name)) has no 'ssh'",
                        at: field.keyMark)
                }
            }
        }
        return host
    }

    /// Checks that `node` names a declared host; `hosts` nil means the hosts section was already
    /// reported as broken, so nothing can be said about references.
    mutating func hostReference(_ node: YAMLNode, label: String, hosts: [Host]?) -> String? {
        guard let scalar = scalar(node, label: label) else { return nil }
        guard let hosts else { return scalar.text }
        let names = hosts.map(\.name)
        guard names.contains(scalar.text) else {
            var message = "unknown host \(Quote.quoted(scalar.text)) in \(label)"
            if let guess = Spelling.suggestion(for: scalar.text, among: names) {
                message += "; did you mean '\(guess)'?"
            }
            message += " Known hosts: " + names.joined(separator: ", ")
            sink.report(message, at: scalar.mark)
            return nil
        }
        return scalar.text
    }
}
