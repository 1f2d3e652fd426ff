/// The `server` section and its `limits`.
extension TopologyValidator {
    static let serverKeys = ["host", "port", "limits"]
    static let limitKeys = ["cpus", "memory", "cpuset"]
    /// More cores than any machine we would benchmark on; beyond it is surely a typo.
    static let maximumCPUs = 1_024.0
    /// 16 TiB: more than any machine has; larger values are typos (and keep clear of overflow).
    static let maximumMemoryBytes: UInt64 = 16 << 40

    /// The server section, and where its `host` is written (for checks that need the clients).
    mutating func server(_ top: Fields, hosts: [Host]?) -> (spec: ServerSpec, hostMark: SourceMark)? {
        guard let node = required(top, "server"),
              let fields = fields(of: node, label: "server", place: "in server", allowed: Self.serverKeys)
        else { return nil }
        let hostNode = required(fields, "host")
        let host = hostNode.flatMap { hostReference($0, label: "server host", hosts: hosts) }
        var port: Int? = 0  // 0: the server picks any free port and reports it
        if let node = fields.value("port") {
            port = integer(node, label: "port", in: 0...65_535)
        }
        var limits: Limits?
        var cpuSweep: [Double]?
        if let node = fields.value("limits") {
            (limits, cpuSweep) = self.limits(node) ?? (nil, nil)
        }
        guard let host, let hostNode, let port else { return nil }
        return (ServerSpec(host: host, port: port, limits: limits, cpuSweep: cpuSweep), hostNode.mark)
    }

    /// A server on this machine listens on loopback unless its host has an `address`; clients on
    /// ssh hosts would take 127.0.0.1 for their own machine, so they need that address.
    mutating func checkServerReach(_ server: ServerSpec, at mark: SourceMark, clients: [ClientGroup], hosts: [Host]) {
        guard let serverHost = hosts.first(where: { $0.name == server.host }), serverHost.isLocal, serverHost.address == nil
        else { return }
        let remote = clients.map(\.host).filter { name in hosts.first { $0.name == name }?.isLocal == false }
        guard let first = remote.first else { return }
        sink.report("the server runs on this machine (host \(Quote.quoted(server.host))) but clients on ssh host "
                    + "\(Quote.quoted(first)) cannot reach it at 127.0.0.1 (that is their own machine); give host "
                    + "\(Quote.quoted(server.host)) an `address:` they can reach, such as this machine's address on their network",
                    at: mark)
    }

    /// The limits, and the CPU sweep when `cpus` is a list (its first value then in the limits).
    private mutating func limits(_ node: YAMLNode) -> (Limits, [Double]?)? {
        guard let fields = fields(of: node, label: "limits", place: "in server limits", allowed: Self.limitKeys)
        else { return nil }
        var limits = Limits()
        var sweep: [Double]?
        if case .sequence = fields.value("cpus"), let node = fields.value("cpus") {
            sweep = cpuList(node)
            limits.cpus = sweep?.first
        } else if let node = fields.value("cpus") {
            limits.cpus = cpuCount(node)
        }
        if let node = fields.value("memory") {
            limits.memoryBytes = size(node, label: "memory", in: 1...Self.maximumMemoryBytes, upper: "16 TiB")
        }
        if let node = fields.value("cpuset"), let scalar = scalar(node, label: "cpuset") {
            if Self.isCPUSet(scalar.text) {
                limits.cpuset = scalar.text
            } else {
                sink.report("cpuset must list CPUs like '0-3' or '0,2' (ascending ranges, CPUs 0...4095), "
                            + "found \(Quote.quoted(scalar.text))", at: scalar.mark)
            }
        }
        return (limits, sweep)
    }

    /// Distinct CPU counts, each > 0: a CPU-scaling sweep.
    private mutating func cpuList(_ node: YAMLNode) -> [Double]? {
        guard let items = items(node, label: "cpus", what: "CPU count", maximum: Self.maximumSweepValues) else { return nil }
        var values: [Double] = []
        var firstSeen: [Double: SourceMark] = [:]
        var valid = true
        for item in items {
            guard let cpus = cpuCount(item) else {
                valid = false
                continue
            }
            if let first = firstSeen[cpus] {
                // Two equal values would make two cells with the same id.
                sink.report("duplicate cpus value \(cpus.plainText) (first at \(first.description))", at: item.mark)
                valid = false
                continue
            }
            firstSeen[cpus] = item.mark
            values.append(cpus)
        }
        return valid ? values : nil
    }

    /// One CPU count such as 1 or 0.5.
    private mutating func cpuCount(_ node: YAMLNode) -> Double? {
        guard let scalar = scalar(node, label: "cpus") else { return nil }
        switch Quantity.decimal(scalar.text) {
        case .value(let cpus) where cpus <= 0:
            sink.report("cpus must be greater than 0, found \(Quote.fragment(scalar.text))", at: scalar.mark)
        case .value(let cpus):
            return checked(cpus, in: 0...Self.maximumCPUs, label: "cpus", text: scalar.text,
                           mark: scalar.mark, bounds: ("0", "1024"))
        case .tooLarge:
            reportTooLarge(label: "cpus", text: scalar.text, upper: "1024", mark: scalar.mark)
        case .invalid:
            reportUnreadable(label: "cpus", text: scalar.text, shape: "a number of cores such as 1 or 0.5",
                             mark: scalar.mark)
        }
        return nil
    }

    /// A size in bytes within `range`; `upper` is the upper bound as users write it.
    mutating func size(_ node: YAMLNode, label: String, in range: ClosedRange<UInt64>, upper: String) -> UInt64? {
        guard let scalar = scalar(node, label: label) else { return nil }
        switch Quantity.size(scalar.text) {
        case .value(0):
            sink.report("\(label) must be greater than 0, found \(Quote.fragment(scalar.text))", at: scalar.mark)
        case .value(let bytes):
            return checked(bytes, in: range, label: label, text: scalar.text, mark: scalar.mark,
                           bounds: (String(range.lowerBound), upper))
        case .tooLarge:
            reportTooLarge(label: label, text: scalar.text, upper: upper, mark: scalar.mark)
        case .invalid(let shape):
            reportUnreadable(label: label, text: scalar.text, shape: shape, mark: scalar.mark)
        }
        return nil
    }

    /// Linux cpuset list syntax: `N` or `N-M` items separated by commas, with N <= M.
    static func isCPUSet(_ text: String) -> Bool {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        return !items.isEmpty && items.allSatisfy { item in
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            let numbers = bounds.map { bound -> Int? in
                guard !bound.isEmpty, bound.count <= 4, bound.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    return nil
                }
                return Int(bound).flatMap { $0 < 4_096 ? $0 : nil }
            }
            switch numbers.count {
            case 1: return numbers[0] != nil
            case 2:
                guard let low = numbers[0], let high = numbers[1] else { return false }
                return low <= high
            default: return false
            }
        }
    }
}
