/// Builds cell ids: each swept value in a fixed order, so ids are stable across runs and sort
/// the way the plan reads.
enum CellID {
    /// `[SCENARIO-]SYSTEM[-replicasN][-cpusN][-tls|-plain]-cN[-rRATE|-rsearch]-REPEAT`, or
    /// `SYSTEM[-tls|-plain]-cN-rREPEAT` when only systems, tls, connections and repeats vary
    /// (the ids runs have always had). `replicas` and `tls` are given only when swept. Only
    /// characters of names (`[a-z0-9-]`), digits and `.` appear: safe as a folder name.
    static func make(
        scenario: String?, system: String, replicas: Int? = nil, cpus: Double?, tls: Bool? = nil, connections: Int,
        rate: CellRate?, repeatIndex: Int
    ) -> String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        parts.append(system)
        if let replicas { parts.append("replicas\(replicas)") }
        if let cpus { parts.append("cpus\(cpus.plainText)") }
        if let tls { parts.append(tls ? "tls" : "plain") }
        parts.append("c\(connections)")
        guard let rate else {
            return (parts + ["r\(repeatIndex)"]).joined(separator: "-")
        }
        switch rate {
        case .max: parts.append("rmax")
        case .perSecond(let value): parts.append("r\(value.plainText)")
        case .search: parts.append("rsearch")
        }
        return (parts + [String(repeatIndex)]).joined(separator: "-")
    }
}
