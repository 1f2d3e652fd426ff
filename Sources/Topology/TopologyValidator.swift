/// Checks a composed YAML tree against the topology schema, reporting every problem it finds
/// and building the `Topology` only when there are none.
///
/// Each section reader reports its own problems and returns its best reading (or `nil`);
/// cross-section checks skip anything already reported, so one mistake gives one message.
struct TopologyValidator {
    static let topKeys = [
        "name", "hosts", "systems", "server", "clients", "workload", "scenarios",
        "decision"
    ]
    /// Client worker processes over all groups; each is a process on some host.
    static let maximumTotalWorkers = 256
    /// Cells in one run; past this a run would take days and the plan itself gets huge.
    static let maximumCells = 1_000
    /// Caps on list lengths. Real files have a handful of each; the caps bound the work (e.g.
    /// "did you mean" look-ups compare every reference with every host) for hostile files.
    static let maximumHosts = 256
    static let maximumSystems = 64
    static let maximumClientGroups = 256
    static let maximumEnvironmentVariables = 256

    var sink: DiagnosticSink
    let knownContainers: Set<String>

    init(sink: DiagnosticSink, knownContainers: Set<String>) {
        self.sink = sink
        self.knownContainers = knownContainers.union(["builtin"])
    }

    mutating func topology(from root: YAMLNode) -> Topology? {
        guard case .mapping = root else {
            if !root.isInvalid {
                sink.report(
                    "the top level of a topology file must be a mapping with the keys "
                        + Self.topKeys.joined(separator: ", ") + "; found \(root.kindDescription)", at: root.mark)
            }
            return nil
        }
        guard let top = fields(of: root, label: "the top level", place: "at the top level", allowed: Self.topKeys)
        else { return nil }

        let name = runName(top)
        let hosts = self.hosts(top)
        let systems = self.systems(top)
        let server = self.serverSection(top, hosts: hosts, allExternal: systems?.allTargets ?? false)
        let clients = self.clients(top, hosts: hosts)
        let scenarios = self.scenarios(top, clients: clients)
        let decision = self.decision(top)
        if let server = server.reading, let clients, let hosts {
            checkServerReach(server.spec, at: server.hostMarks, clients: clients.groups, hosts: hosts)
        }
        if let systems, let clients, let hosts {
            checkTargetReach(systems.list, at: systems.targetMarks, clients: clients.groups, hosts: hosts)
        }
        if let systems, server.valid, let scenarios {
            let mark = top.fields["scenarios"]?.value.mark ?? top.fields["workload"]?.value.mark ?? top.mark
            let spec = server.reading?.spec
            checkCellCount(
                systems: systems.list.count, replicaValues: spec?.replicaCounts.count ?? 1,
                cpuValues: spec?.cpuSweep?.count ?? 1, scenarios: scenarios, at: mark)
        }

        guard sink.isEmpty, let name, let hosts, let systems, server.valid, let clients, let scenarios, decision.valid
        else {
            return nil
        }
        return Topology(
            name: name, hosts: hosts, systems: systems.list, server: server.reading?.spec,
            clients: clients.groups, workload: scenarios[0].workload, scenarios: scenarios,
            decision: decision.decision)
    }

    private mutating func runName(_ top: Fields) -> String? {
        guard let node = required(top, "name"), let scalar = scalar(node, label: "name") else { return nil }
        guard NameRules.isPlainName(scalar.text) else {
            sink.report(
                "bad name \(Quote.quoted(scalar.text)): use lowercase letters, digits and '-' "
                    + "(starting with a letter or digit, at most \(NameRules.maximumLength) characters)",
                at: scalar.mark)
            return nil
        }
        return scalar.text
    }
}
