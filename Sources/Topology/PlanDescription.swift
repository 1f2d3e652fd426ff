/// Renders a plan as text for `barrage validate`.
enum PlanDescription {
    static func text(of plan: Plan) -> String {
        let topology = plan.topology
        let workload = topology.workload
        var lines: [String] = []
        let shape = [count(topology.systems.count, "system"), count(workload.connections.count, "connection count"),
                     count(workload.repeatCount, "repeat")].joined(separator: " × ")
        lines.append("Plan '\(topology.name)': \(count(plan.cells.count, "cell")) (\(shape)), in run order.")
        lines.append("Workload: \(workloadSummary(workload))")
        lines.append("Hosts:")
        let nameWidth = topology.hosts.map(\.name.count).max() ?? 0
        for host in topology.hosts {
            lines.append("  \(pad(host.name, nameWidth))  \(hostSummary(host))")
        }
        for cell in plan.cells {
            lines.append("")
            let container = cell.system.isBuiltin ? "builtin server" : "container \(cell.system.container)"
            lines.append("Cell \(cell.index + 1)/\(plan.cells.count) \(cell.id): system \(cell.system.name) "
                         + "(\(container)), \(cell.connections) connections, repeat \(cell.repeatIndex)")
            let width = max(6, cell.clients.map(\.name.count).max() ?? 0)
            let port = cell.server.port == 0 ? "any free port" : "port \(cell.server.port)"
            lines.append("  \(pad("server", width))  role server  on \(cell.server.host.name)  \(port)")
            for client in cell.clients {
                lines.append("  \(pad(client.name, width))  role client  on \(client.host.name)  "
                             + "\(client.connections) connections, \(client.threads) "
                             + (client.threads == 1 ? "thread" : "threads"))
            }
        }
        if !plan.notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines.append(contentsOf: plan.notes.map { "  - " + $0 })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func hostSummary(_ host: Host) -> String {
        var parts: [String] = []
        if let ssh = host.ssh {
            parts.append("ssh \(ssh.user)@\(ssh.host.contains(":") ? "[\(ssh.host)]" : ssh.host):\(ssh.port)")
        } else {
            parts.append("local (this machine)")
        }
        if let address = host.address { parts.append("address \(address)") }
        if let identity = host.identity { parts.append("identity \(identity)") }
        if let knownHosts = host.knownHosts { parts.append("known_hosts \(knownHosts)") }
        return parts.joined(separator: ", ")
    }

    private static func workloadSummary(_ workload: Workload) -> String {
        var parts = [workload.protocolKind.rawValue]
        if workload.protocolKind == .grpc { parts.append(workload.call.rawValue) }
        parts.append("payload \(workload.payloadBytes) B")
        parts.append("concurrency \(workload.concurrency)")
        switch workload.rate {
        case .max: parts.append("rate max (closed loop)")
        case .perSecond(let rate): parts.append("rate \(rate.plainText)/s in total (open loop)")
        }
        parts.append("warmup \(workload.warmupMilliseconds) ms")
        parts.append("duration \(workload.durationMilliseconds) ms")
        return parts.joined(separator: ", ")
    }

    /// "1 system", "2 systems".
    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)" + (number == 1 ? "" : "s")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

private extension Double {
    /// `20000` rather than `20000.0` for whole rates.
    var plainText: String {
        if let whole = Int(exactly: self) { return String(whole) }
        return String(self)
    }
}
