/// The `server` section and its `limits`.
extension TopologyValidator {
    static let serverKeys = ["host", "hosts", "replicas", "port", "limits"]
    static let limitKeys = ["cpus", "memory", "cpuset"]
    /// More cores than any machine we would benchmark on; beyond it is surely a typo.
    static let maximumCPUs = 1_024.0
    /// 16 TiB: more than any machine has; larger values are typos (and keep clear of overflow).
    static let maximumMemoryBytes: UInt64 = 16 << 40
    /// Server replicas of one cell; each is a host and an ssh session.
    static let maximumServerHosts = 64

    /// The `server` section when some system is one Barrage starts; a topology whose systems are
    /// all external targets has none (and one there would limit nothing). `valid` is false when
    /// a problem was reported; `reading` is nil then, and when there is no section.
    mutating func serverSection(_ top: Fields, hosts: [Host]?, allExternal: Bool)
        -> (reading: (spec: ServerSpec, hostMarks: [SourceMark])?, valid: Bool)
    {
        if allExternal {
            guard let field = top.fields["server"] else { return (nil, true) }
            sink.report(
                "every system is an external target (a server already running), so Barrage starts no server "
                    + "and 'server' has nothing to place or limit; remove it", at: field.keyMark)
            return (nil, false)
        }
        let reading = server(top, hosts: hosts)
        return (reading, reading != nil)
    }

    /// The server section, and where each server host is written (for checks that need the clients).
    mutating func server(_ top: Fields, hosts: [Host]?) -> (spec: ServerSpec, hostMarks: [SourceMark])? {
        guard let node = required(top, "server"),
            let fields = fields(of: node, label: "server", place: "in server", allowed: Self.serverKeys)
        else { return nil }
        let serverHosts = self.serverHosts(fields, hosts: hosts)
        var replicaSweep: [Int]?
        var replicasValid = true
        if let node = fields.value("replicas") {
            replicaSweep = replicaCounts(node, hostCount: serverHosts?.names.count)
            replicasValid = replicaSweep != nil
        }
        var port: Int? = 0  // 0: the server picks any free port and reports it
        if let node = fields.value("port") {
            port = integer(node, label: "port", in: 0...65_535)
        }
        var limits: Limits?
        var cpuSweep: [Double]?
        if let node = fields.value("limits") {
            (limits, cpuSweep) = self.limits(node) ?? (nil, nil)
        }
        guard let serverHosts, replicasValid, let port else { return nil }
        return (
            ServerSpec(
                hosts: serverHosts.names, replicaSweep: replicaSweep, port: port, limits: limits,
                cpuSweep: cpuSweep), serverHosts.marks
        )
    }

    /// `host: a` or `hosts: [a, b, …]` (one of them, each a declared host, none twice).
    private mutating func serverHosts(_ fields: Fields, hosts: [Host]?)
        -> (names: [String], marks: [SourceMark])?
    {
        switch (fields.fields["host"], fields.fields["hosts"]) {
        case (nil, nil):
            sink.report(
                "missing required key 'host' \(fields.place) (or 'hosts': a list, one server replica on each)",
                at: fields.mark)
            return nil
        case (.some, .some(let both)):
            sink.report("server has both 'host' and 'hosts'; give one ('hosts' for several replicas)", at: both.keyMark)
            return nil
        case (.some, nil):
            guard let value = required(fields, "host"),
                let name = hostReference(value, label: "server host", hosts: hosts)
            else { return nil }
            return ([name], [value.mark])
        case (nil, .some):
            guard let list = required(fields, "hosts"),
                let items = items(list, label: "server hosts", what: "host", maximum: Self.maximumServerHosts)
            else { return nil }
            var names: [String] = []
            var marks: [SourceMark] = []
            var seen = DuplicateCheck<String>()
            var valid = true
            for item in items {
                guard let name = hostReference(item, label: "server hosts", hosts: hosts) else {
                    valid = false
                    continue
                }
                // Two replicas on one host would share its cores and ports: not a replica.
                guard
                    seen.admits(
                        name, at: item.mark, into: &sink,
                        duplicate: "host \(Quote.quoted(name)) is listed twice in server hosts",
                        hint: "; each replica runs on a host of its own")
                else {
                    valid = false
                    continue
                }
                names.append(name)
                marks.append(item.mark)
            }
            return valid ? (names, marks) : nil
        }
    }

    /// `replicas: N` or `replicas: [1, 2, 3]`: distinct counts from 1 to the number of server
    /// hosts (`hostCount` nil when the hosts were already reported).
    private mutating func replicaCounts(_ node: YAMLNode, hostCount: Int?) -> [Int]? {
        var nodes = [node]
        if case .sequence = node {
            guard let items = items(node, label: "replicas", what: "replica count", maximum: Self.maximumSweepValues)
            else { return nil }
            nodes = items
        }
        var counts: [Int] = []
        var seen = DuplicateCheck<Int>()
        var valid = true
        for item in nodes {
            guard let scalar = scalar(item, label: "replicas") else {
                valid = false
                continue
            }
            guard let count = Int(scalar.text) else {
                reportUnreadable(
                    label: "replicas", text: scalar.text, shape: "a whole number of server replicas such as 2",
                    mark: scalar.mark)
                valid = false
                continue
            }
            if count < 1 {
                sink.report("replicas must be at least 1, found \(Quote.fragment(scalar.text))", at: scalar.mark)
                valid = false
            } else if let hostCount, count > hostCount {
                sink.report(
                    "replicas \(count) is more than the \(hostCount) server "
                        + (hostCount == 1 ? "host" : "hosts") + "; list more under server.hosts", at: scalar.mark)
                valid = false
            } else if !seen.admits(count, at: scalar.mark, into: &sink, duplicate: "duplicate replicas value \(count)") {
                // Two equal values would make two cells with the same id.
                valid = false
            } else {
                counts.append(count)
            }
        }
        return valid ? counts : nil
    }

    /// A server on this machine listens on loopback unless its host has an `address`; clients on
    /// ssh hosts would take 127.0.0.1 for their own machine, so they need that address.
    mutating func checkServerReach(_ server: ServerSpec, at marks: [SourceMark], clients: [ClientGroup], hosts: [Host]) {
        let remote = clients.map(\.host).filter { name in hosts.first { $0.name == name }?.isLocal == false }
        guard let first = remote.first else { return }
        for (name, mark) in zip(server.hosts, marks) {
            guard let serverHost = hosts.first(where: { $0.name == name }), serverHost.isLocal, serverHost.address == nil
            else { continue }
            sink.report(
                "the server runs on this machine (host \(Quote.quoted(name))) but clients on ssh host "
                    + "\(Quote.quoted(first)) cannot reach it at 127.0.0.1 (that is their own machine); give host "
                    + "\(Quote.quoted(name)) an `address:` they can reach, such as this machine's address on their network",
                at: mark)
        }
    }

    /// An external target on this machine's loopback is out of reach of clients on ssh hosts:
    /// 127.0.0.1 is their own machine there.
    mutating func checkTargetReach(
        _ systems: [System], at marks: [String: SourceMark], clients: [ClientGroup], hosts: [Host]
    ) {
        let remote = clients.map(\.host).filter { name in hosts.first { $0.name == name }?.isLocal == false }
        guard let first = remote.first else { return }
        for system in systems {
            guard let target = system.target, target.isLoopback, let mark = marks[system.name] else { continue }
            sink.report(
                "target \(Quote.quoted(target.description)) is this machine's loopback, but clients on ssh host "
                    + "\(Quote.quoted(first)) would reach their own machine there; give the target's address on "
                    + "their network", at: mark)
        }
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
                sink.report(
                    "cpuset must list CPUs like '0-3' or '0,2' (ascending ranges, CPUs 0...4095), "
                        + "found \(Quote.quoted(scalar.text))", at: scalar.mark)
            }
        }
        return (limits, sweep)
    }

    /// Distinct CPU counts, each > 0: a CPU-scaling sweep.
    private mutating func cpuList(_ node: YAMLNode) -> [Double]? {
        guard let items = items(node, label: "cpus", what: "CPU count", maximum: Self.maximumSweepValues) else { return nil }
        var values: [Double] = []
        var seen = DuplicateCheck<Double>()
        var valid = true
        for item in items {
            guard let cpus = cpuCount(item) else {
                valid = false
                continue
            }
            // Two equal values would make two cells with the same id.
            guard seen.admits(cpus, at: item.mark, into: &sink, duplicate: "duplicate cpus value \(cpus.plainText)") else {
                valid = false
                continue
            }
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
            return checked(
                cpus, in: 0...Self.maximumCPUs, label: "cpus", text: scalar.text,
                mark: scalar.mark, bounds: ("0", "1024"))
        case .tooLarge:
            reportTooLarge(label: "cpus", text: scalar.text, upper: "1024", mark: scalar.mark)
        case .invalid:
            reportUnreadable(
                label: "cpus", text: scalar.text, shape: "a number of cores such as 1 or 0.5",
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
            return checked(
                bytes, in: range, label: label, text: scalar.text, mark: scalar.mark,
                bounds: (String(range.lowerBound), upper))
        case .tooLarge:
            reportTooLarge(label: label, text: scalar.text, upper: upper, mark: scalar.mark)
        case .invalid(let shape):
            reportUnreadable(label: label, text: scalar.text, shape: shape, mark: scalar.mark)
        }
        return nil
    }

    /// Linux cpuset list syntax: `N` or `N-M` items separated by commas, with N <= M, CPUs
    /// 0...4095; in a topology without the blanks and newlines the kernel's files may hold.
    static func isCPUSet(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let list = CPUList(text), let highest = list.cpus.last else {
            return false
        }
        return highest < 4_096
    }
}
