/// Turns a topology into the ordered list of cells to run.
public enum Planner {
    /// Cells run in this order: for each scenario (file order), for each replica count, for
    /// each cpus value, for each tls value, for each connection count, for each rate, for each
    /// repeat, for each system (file order) — so systems are interleaved and drift affects all alike.
    ///
    /// An external target (a server already running) has no replicas or limits of Barrage's
    /// making: it gets its cells with the first replica count and cpus value only, ids without
    /// either, no server process and no limits.
    public static func plan(_ topology: Topology) -> Plan {
        let server = topology.server ?? ServerSpec(hosts: [])
        let serverHosts = server.hosts.map { resolve($0, in: topology) }
        let workerCount = topology.clients.reduce(0) { $0 &+ max(0, $1.workers) }
        let cpuValues: [Double?] = server.cpuSweep ?? [server.limits?.cpus]
        let replicaCounts = server.replicaCounts
        var notes: [String] = []
        if server.replicaSweep != nil || server.cpuSweep != nil,
            let external = topology.systems.first(where: \.isExternal)
        {
            notes.append(
                "system \(external.name) is an external target: it runs once per connection count, rate and repeat; "
                    + "the replica and cpus sweeps apply to the systems Barrage starts")
        }
        var cells: [CellPlan] = []
        for scenario in topology.scenarios {
            let workload = scenario.workload
            let rates = workload.rates.cellRates
            // Ids name a rate when the rate varies or is searched: a single rate keeps the old ids.
            let ratesInID: Bool
            switch workload.rates {
            case .single: ratesInID = false
            case .sweep, .search: ratesInID = true
            }
            for replicas in replicaCounts {
                let servers = serverProcesses(serverHosts, replicas: replicas, port: server.port)
                for cpus in cpuValues {
                    let firstBlock = replicas == replicaCounts.first && cpus == cpuValues.first
                    var limits = server.limits
                    if let cpus { limits?.cpus = cpus }
                    for tls in workload.tls.cellValues {
                        for connections in workload.connections {
                            let shares = ConnectionSplit.shares(total: connections, parts: workerCount)
                            if let note = ConnectionSplit.note(total: connections, shares: shares), !notes.contains(note) {
                                notes.append(note)
                            }
                            if connections < workerCount {
                                let note =
                                    "connections \(connections) is fewer than the \(workerCount) client workers; "
                                    + "some workers get none"
                                if !notes.contains(note) { notes.append(note) }
                            }
                            let clients = clientProcesses(topology, shares: shares)
                            for rate in rates {
                                for repeatIndex in 1...max(1, workload.repeatCount) {
                                    for system in topology.systems {
                                        let external = system.isExternal
                                        if external, !firstBlock { continue }
                                        let id = CellID.make(
                                            scenario: scenario.name, system: system.name,
                                            replicas: server.replicaSweep == nil || external ? nil : replicas,
                                            cpus: server.cpuSweep == nil || external ? nil : cpus,
                                            tls: workload.tls.isSwept ? tls : nil, connections: connections,
                                            rate: ratesInID ? rate : nil, repeatIndex: repeatIndex)
                                        cells.append(
                                            CellPlan(
                                                id: id, index: cells.count, system: system, connections: connections,
                                                repeatIndex: repeatIndex, servers: external ? [] : servers,
                                                clients: clients, scenario: scenario.name, workload: workload,
                                                limits: external ? nil : limits, rate: rate, tls: tls))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Plan(topology: topology, cells: cells, notes: notes)
    }

    /// Human-readable plan for `barrage validate`: each cell with which process runs on which host, its role
    /// (server / client) and its share of connections (and threads). Also lists notes.
    public static func describe(_ plan: Plan) -> String {
        PlanDescription.text(of: plan)
    }

    /// The first `replicas` hosts' servers, named as results name them (`server`, or
    /// `server-1` … when there are several). The parser keeps `replicas` within the hosts.
    private static func serverProcesses(_ hosts: [Host], replicas: Int, port: Int) -> [ServerProcess] {
        let count = max(1, min(replicas, hosts.count))
        let used = hosts.isEmpty ? [Host(name: "local")] : Array(hosts.prefix(count))
        return used.enumerated().map { index, host in
            ServerProcess(name: ServerProcess.name(replica: index + 1, of: used.count), host: host, port: port)
        }
    }

    /// One process per client worker, numbered over all groups, each with its share.
    private static func clientProcesses(_ topology: Topology, shares: [Int]) -> [ClientProcess] {
        var processes: [ClientProcess] = []
        for group in topology.clients {
            let host = resolve(group.host, in: topology)
            for _ in 0..<max(0, group.workers) {
                let share = processes.count < shares.count ? shares[processes.count] : 0
                processes.append(
                    ClientProcess(
                        name: "client-\(processes.count + 1)", host: host,
                        connections: share, threads: group.threads))
            }
        }
        return processes
    }

    /// The named host; a parsed topology always has it, a hand-built one might not, and then the
    /// name alone (a local host) keeps the plan total rather than trapping.
    private static func resolve(_ name: String, in topology: Topology) -> Host {
        topology.host(named: name) ?? Host(name: name)
    }
}
