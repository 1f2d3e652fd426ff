/// Renders a plan as text for `barrage validate`.
enum PlanDescription {
    /// Seconds a cell spends outside its warmup and window: starting the server and clients,
    /// stopping them. Measured runs here take 1–3 s; the estimate says so.
    static let overheadSeconds = 2.0

    static func text(of plan: Plan) -> String {
        let topology = plan.topology
        var lines: [String] = []
        lines.append("Plan '\(topology.name)': \(count(plan.cells.count, "cell")) (\(shape(of: topology))), in run order.")
        lines.append("Expected length: \(expectedLength(plan))")
        for scenario in topology.scenarios {
            let prefix = scenario.name.map { "Scenario \($0): " } ?? "Workload: "
            lines.append(prefix + workloadSummary(scenario.workload))
        }
        if let server = topology.server, let sweep = server.replicaSweep {
            lines.append(
                "Replica sweep: " + sweep.map(String.init).joined(separator: ", ")
                    + " servers on the first hosts of " + server.hosts.joined(separator: ", ") + " (one cell each)")
        }
        if let sweep = topology.server?.cpuSweep {
            lines.append("CPU sweep: cpus " + sweep.map(\.plainText).joined(separator: ", ") + " (one cell each)")
        }
        if let decision = topology.decision {
            lines.append("Decision: cores needed for \(decision.loadPerSecond.plainText)/s at the SLO")
        }
        lines.append("Hosts:")
        let nameWidth = topology.hosts.map(\.name.count).max() ?? 0
        for host in topology.hosts {
            lines.append("  \(pad(host.name, nameWidth))  \(hostSummary(host))")
        }
        for cell in plan.cells {
            lines.append("")
            let container =
                if let target = cell.target {
                    "external target \(target.description): already running, Barrage starts nothing"
                } else if cell.system.isBuiltin {
                    "builtin server"
                } else {
                    "container \(cell.system.container)"
                }
            var facts = ["system \(cell.system.name) (\(container))"]
            if let scenario = cell.scenario { facts.insert("scenario \(scenario)", at: 0) }
            if cell.replicas > 1 { facts.append("\(cell.replicas) server replicas") }
            if let cpus = cell.cpus { facts.append("cpus \(cpus.plainText)") }
            if cell.tls { facts.append("h2 over TLS") }
            facts.append("\(cell.connections) connections")
            switch cell.rate {
            case .max: break
            case .perSecond(let rate): facts.append("rate \(rate.plainText)/s")
            case .search: facts.append("rate search")
            }
            facts.append("repeat \(cell.repeatIndex)")
            lines.append("Cell \(cell.index + 1)/\(plan.cells.count) \(cell.id): " + facts.joined(separator: ", "))
            let width = max(6, (cell.clients.map(\.name) + cell.servers.map(\.name)).map(\.count).max() ?? 0)
            if let target = cell.target {
                lines.append("  \(pad("server", width))  external    at \(target.description)")
            }
            for server in cell.servers {
                let port = server.port == 0 ? "any free port" : "port \(server.port)"
                lines.append("  \(pad(server.name, width))  role server  on \(server.host.name)  \(port)")
            }
            for client in cell.clients {
                lines.append(
                    "  \(pad(client.name, width))  role client  on \(client.host.name)  "
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

    /// "2 systems × 3 connection counts × 1 repeat", with the other swept dimensions when there are any.
    private static func shape(of topology: Topology) -> String {
        var parts = [count(topology.systems.count, "system")]
        if let sweep = topology.server?.replicaSweep { parts.append(count(sweep.count, "replica count")) }
        if let sweep = topology.server?.cpuSweep { parts.append(count(sweep.count, "cpus value")) }
        if topology.scenarios.count == 1, let workload = topology.scenarios.first?.workload {
            parts.append(count(workload.connections.count, "connection count"))
            if case .sweep(let rates) = workload.rates { parts.append(count(rates.count, "rate")) }
            parts.append(count(workload.repeatCount, "repeat"))
        } else {
            parts.append(count(topology.scenarios.count, "scenario"))
        }
        return parts.joined(separator: " × ")
    }

    /// About how long the run takes: warmup, window and start/stop of each cell; a search cell
    /// counted at `SearchSettings.typicalTrials` trials plus its confirm run.
    static func expectedLength(_ plan: Plan) -> String {
        var seconds = 0.0
        var searches = 0
        for cell in plan.cells {
            let workload = cell.workload
            let warmup = Double(workload.warmupMilliseconds) / 1000
            let duration = Double(workload.durationMilliseconds) / 1000
            switch cell.rate {
            case .max, .perSecond:
                seconds += overheadSeconds + warmup + duration
            case .search(let settings):
                searches += 1
                let trial = Double(settings.trialMilliseconds) / 1000
                let settle = Double(SearchSettings.trialSettleMilliseconds) / 1000
                // The first trial follows the warmup; every later one (and the confirm run) its settle.
                seconds +=
                    overheadSeconds + warmup + Double(SearchSettings.typicalTrials) * (trial + settle + 1)
                    + settle + duration
            }
        }
        var text = "about \(minutesAndSeconds(seconds))"
        if searches > 0 {
            text +=
                " (\(searches == 1 ? "1 capacity search" : "\(searches) capacity searches") counted at \(SearchSettings.typicalTrials) trials each; "
                + "a search takes as many as its SLO needs, at most \(SearchSettings.maximumTrials))"
        }
        return text
    }

    /// "1 h 02 min", "12 min 30 s", "45 s".
    static func minutesAndSeconds(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3_600 { return "\(total / 3_600) h \(pad2((total % 3_600) / 60)) min" }
        if total >= 60 { return "\(total / 60) min \(pad2(total % 60)) s" }
        return "\(total) s"
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

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
        if let service = workload.service {
            // A user's method: its streaming kind comes from the .proto (once compiled), and
            // the requests are its messages, not a bench.Echo payload.
            var method = service.method
            if let call = service.call {
                method += " (\(call.kind.rawValue), \(count(call.requests.count, "request message")))"
            }
            parts.append(method)
        } else {
            if workload.protocolKind == .grpc { parts.append(workload.call.rawValue) }
            parts.append("payload \(workload.payloadBytes) B")
        }
        parts.append("concurrency \(workload.concurrency)")
        switch workload.rates {
        case .single(.max): parts.append("rate max (closed loop)")
        case .single(.perSecond(let rate)): parts.append("rate \(rate.plainText)/s in total (open loop)")
        case .sweep(let rates):
            let values = rates.compactMap { rate -> String? in
                if case .perSecond(let value) = rate { return value.plainText + "/s" }
                return nil
            }
            parts.append("rates " + values.joined(separator: ", ") + " (open loop, one cell each)")
        case .search(let settings):
            parts.append(
                "rate search from \(settings.startPerSecond.plainText)/s, trials of "
                    + "\(settings.trialMilliseconds) ms, precision \((settings.precision * 100).plainText) %")
        }
        if let slo = workload.slo { parts.append("slo " + sloSummary(slo)) }
        if let lifetime = workload.connectionLifetime {
            parts.append("each connection replaced after its \(lifetime.description)")
        }
        if workload.pauseMilliseconds != Workload.defaultPauseMilliseconds {
            parts.append("pauses from \(workload.pauseMilliseconds) ms")
        }
        parts.append("warmup \(workload.warmupMilliseconds) ms")
        parts.append("duration \(workload.durationMilliseconds) ms")
        return parts.joined(separator: ", ")
    }

    /// "p99 ≤ 50ms, errors ≤ 0.1%".
    static func sloSummary(_ slo: SLO) -> String {
        slo.bounds.map { bound in
            switch bound {
            case .latency(let percentile, let microseconds):
                return "\(percentile.rawValue) ≤ "
                    + (microseconds % 1_000 == 0 ? "\(microseconds / 1_000)ms" : "\(microseconds)us")
            case .errors(let percent):
                return "errors ≤ \(percent.plainText)%"
            }
        }.joined(separator: ", ")
    }

    /// "1 system", "2 systems".
    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)" + (number == 1 ? "" : "s")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
