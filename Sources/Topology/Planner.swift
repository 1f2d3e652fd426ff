/// Turns a topology into the ordered list of cells to run.
public enum Planner {
    /// Cells run in this order: for each connection count (file order), for each repeat, for each system
    /// (file order) — so systems are interleaved and drift affects all alike.
    public static func plan(_ topology: Topology) -> Plan {
        let serverHost = resolve(topology.server.host, in: topology)
        let server = ServerProcess(host: serverHost, port: topology.server.port)
        let workerCount = topology.clients.reduce(0) { $0 &+ max(0, $1.workers) }
        var notes: [String] = []
        var cells: [CellPlan] = []
        for connections in topology.workload.connections {
            let shares = ConnectionSplit.shares(total: connections, workers: workerCount)
            if let note = ConnectionSplit.note(total: connections, shares: shares) {
                notes.append(note)
            }
            if connections < workerCount {
                notes.append("connections \(connections) is fewer than the \(workerCount) client workers; "
                             + "some workers get none")
            }
            let clients = clientProcesses(topology, shares: shares)
            for repeatIndex in 1...max(1, topology.workload.repeatCount) {
                for system in topology.systems {
                    cells.append(CellPlan(id: "\(system.name)-c\(connections)-r\(repeatIndex)", index: cells.count,
                                          system: system, connections: connections, repeatIndex: repeatIndex,
                                          server: server, clients: clients))
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

    /// One process per client worker, numbered over all groups, each with its share.
    private static func clientProcesses(_ topology: Topology, shares: [Int]) -> [ClientProcess] {
        var processes: [ClientProcess] = []
        for group in topology.clients {
            let host = resolve(group.host, in: topology)
            for _ in 0..<max(0, group.workers) {
                let share = processes.count < shares.count ? shares[processes.count] : 0
                processes.append(ClientProcess(name: "client-\(processes.count + 1)", host: host,
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
