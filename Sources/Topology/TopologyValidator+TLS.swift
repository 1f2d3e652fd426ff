import ProtoSchema
import TLSSettings

/// The workload's `tls`: a boolean, a list of booleans (a sweep), or a mapping of files.
extension TopologyValidator {
    static let tlsKeys = ["ca", "server_name", "cert", "key"]

    /// `true`, `false`, `[false, true]` or `{ ca, server_name, cert, key }`; nil when wrong (reported).
    mutating func tlsSetting(_ node: YAMLNode) -> TLSSetting? {
        switch node {
        case .sequence:
            guard let items = items(node, label: "tls", what: "value (true or false)", maximum: 2) else { return nil }
            var values: [Bool] = []
            var seen = DuplicateCheck<Bool>()
            var valid = true
            for item in items {
                guard let value = boolean(item, label: "tls") else {
                    valid = false
                    continue
                }
                // Two equal values would make two cells with the same id.
                guard seen.admits(value, at: item.mark, into: &sink, duplicate: "duplicate tls value \(value)") else {
                    valid = false
                    continue
                }
                values.append(value)
            }
            return valid ? .sweep(values) : nil
        case .mapping:
            return tlsFiles(node)
        default:
            return boolean(node, label: "tls").map { $0 ? .issued : .plain }
        }
    }

    /// `true` or `false`.
    private mutating func boolean(_ node: YAMLNode, label: String) -> Bool? {
        guard let text = choice(node, label: label, among: ["true", "false"]) else { return nil }
        return text == "true"
    }

    /// `{ ca, server_name, cert, key }`, each optional; `cert` and `key` together or not at all.
    private mutating func tlsFiles(_ node: YAMLNode) -> TLSSetting? {
        guard let fields = fields(of: node, label: "tls", place: "in tls", allowed: Self.tlsKeys) else { return nil }
        var settings = TLSClientSettings()
        var locations: [String: SourceLocation] = [:]
        var valid = true
        for key in ["ca", "cert", "key"] {
            guard let node = fields.value(key) else { continue }
            guard let path = path(node, label: "tls \(key)") else {
                valid = false
                continue
            }
            locations[key] = path.location
            switch key {
            case "ca": settings.caFile = path.text
            case "cert": settings.certFile = path.text
            default: settings.keyFile = path.text
            }
        }
        if let node = fields.value("server_name") {
            if let name = word(node, label: "tls server_name") { settings.serverName = name } else { valid = false }
        }
        switch (fields.fields["cert"], fields.fields["key"]) {
        case (.some(let cert), nil):
            sink.report("tls cert needs its private key: add 'key' (mutual TLS takes both)", at: cert.keyMark)
            valid = false
        case (nil, .some(let key)):
            sink.report("tls key needs its certificate: add 'cert' (mutual TLS takes both)", at: key.keyMark)
            valid = false
        default:
            break
        }
        return valid ? .files(settings, locations: locations) : nil
    }
}
