/// The `clients` section.
extension TopologyValidator {
    static let clientKeys = ["host", "workers", "threads"]
    static let maximumWorkersPerGroup = 256
    static let maximumThreads = 256

    /// The client groups as read, plus the total worker count when every group's is known.
    struct ClientReading {
        var groups: [ClientGroup]
        /// `nil` if some group's worker count was invalid: then checks that need it are skipped.
        var totalWorkers: Int?
    }

    mutating func clients(_ top: Fields, hosts: [Host]?) -> ClientReading? {
        guard let node = required(top, "clients"),
            let items = items(
                node, label: "clients", what: "client group",
                maximum: Self.maximumClientGroups)
        else { return nil }
        var groups: [ClientGroup] = []
        var total: Int? = 0
        for (index, item) in items.enumerated() {
            let label = "client group \(index + 1)"
            guard let fields = fields(of: item, label: label, place: "in \(label)", allowed: Self.clientKeys) else {
                total = nil
                continue
            }
            let host = required(fields, "host").flatMap { hostReference($0, label: "\(label) host", hosts: hosts) }
            var workers: Int? = 1
            if let node = fields.value("workers") {
                workers = integer(node, label: "workers", in: 1...Self.maximumWorkersPerGroup)
            }
            var threads: Int? = 1
            if let node = fields.value("threads") {
                threads = integer(node, label: "threads", in: 1...Self.maximumThreads)
            }
            if let workers, let sum = total {
                let (added, overflow) = sum.addingReportingOverflow(workers)
                total = overflow ? nil : added
            } else {
                total = nil
            }
            if let host, let workers, let threads {
                groups.append(ClientGroup(host: host, workers: workers, threads: threads))
            }
        }
        if let total, total > Self.maximumTotalWorkers {
            sink.report("clients have \(total) workers in total; at most \(Self.maximumTotalWorkers)", at: node.mark)
        }
        return ClientReading(groups: groups, totalWorkers: total)
    }
}
