/// The decision block: the article's questions answered from the measured figures only —
/// cores needed for the stated load at the SLO, memory for the largest connection count,
/// where req/s (msg/s for stream calls) stopped scaling with connections, what setting up a
/// connection cost each system, how far churn moved its capacity, and its longest pause.
enum DecisionBlock {
    static let title = "decision (from the figures above):"
    /// A count whose req/s fell more than this share below the previous count's stopped scaling.
    static let scalingDrop = 0.2

    /// The block's lines; empty when the run holds nothing to decide on (no capacity search,
    /// no `decision`, no closed-loop sweep over connections).
    static func lines(_ summary: RunSummary) -> [String] {
        var lines: [String] = []
        lines += cores(summary)
        lines += memory(summary)
        lines += scaling(summary)
        if summary.decisionLoadPerSecond == nil && summary.capacity.isEmpty { lines = [] }
        // Churn and pauses answer their own questions, with or without a load to size for.
        lines += connectionSetUp(summary)
        lines += churnCapacity(summary)
        lines += pauses(summary)
        guard !lines.isEmpty else { return [] }
        return [title] + lines.map { "  " + $0 }
    }

    /// The systems of `cells`, in run order.
    static func systems(_ cells: [CellSummary]) -> [String] {
        var systems: [String] = []
        for cell in cells where !systems.contains(cell.system) { systems.append(cell.system) }
        return systems
    }

    /// Per system: what setting up a connection cost in the cells that opened connections
    /// inside their window (churn), the slowest cell's p50 and p99.
    static func connectionSetUp(_ summary: RunSummary) -> [String] {
        let churned = summary.cells.filter { $0.status == .ok && $0.connectionsOpened > 0 }
        return systems(churned).compactMap { system in
            let cells = churned.filter { $0.system == system }
            guard let p50 = cells.map(\.connect.p50).max(), let p99 = cells.map(\.connect.p99).max() else { return nil }
            let rate = cells.map(\.connectionsOpenedPerSecond).max() ?? 0
            return "connection set-up, \(system): p50 \(FigureFormat.latency(microseconds: p50)), "
                + "p99 \(FigureFormat.latency(microseconds: p99)) (up to \(FigureFormat.decimal(rate, decimals: 0)) new connections/s)"
        }
    }

    /// Per system with capacity searched both with churn (a scenario whose cells opened
    /// connections in their window) and without: how far churn moved the capacity, at each
    /// (cpus, replicas, connections) both searched — the CPU limit moves capacity far more
    /// than churn does, so only like is set against like; without such a pair, the best
    /// rate with churn against the best without.
    static func churnCapacity(_ summary: RunSummary) -> [String] {
        let churnedCells = Set(summary.cells.filter { $0.connectionsOpened > 0 }.map(\.id))
        return systems(summary.cells).flatMap { system -> [String] in
            let searched = summary.capacity.filter { $0.system == system }
            let entries = searched.filter { $0.ratePerSecond > 0 }
            let churned = entries.filter { churnedCells.contains($0.cell) }
            let steady = entries.filter { !churnedCells.contains($0.cell) }
            if churned.isEmpty || steady.isEmpty {
                // Searched both ways, yet one found no rate: say so rather than leave the question.
                let churnSearched = searched.contains { churnedCells.contains($0.cell) }
                guard churnSearched, searched.contains(where: { !churnedCells.contains($0.cell) }) else { return [] }
                let missing = [churned.isEmpty ? "with churn" : nil, steady.isEmpty ? "without" : nil].compactMap { $0 }
                return [
                    "churn moves capacity, \(system): unknown (no rate met the SLO \(missing.joined(separator: " or ")); "
                        + "see the capacity notes)"
                ]
            }
            let pairs = churned.compactMap { with -> (CapacityEntry, CapacityEntry)? in
                let alike = steady.filter {
                    $0.cpus == with.cpus && $0.replicas == with.replicas && $0.connections == with.connections
                }
                return alike.max(by: { $0.ratePerSecond < $1.ratePerSecond }).map { (with, $0) }
            }
            if pairs.isEmpty {
                guard let with = churned.max(by: { $0.ratePerSecond < $1.ratePerSecond }),
                    let without = steady.max(by: { $0.ratePerSecond < $1.ratePerSecond })
                else { return [] }
                return [churnLine(system, with, without)]
            }
            return pairs.map { with, without in
                churnLine(
                    system + (pairs.count > 1 ? with.cpus.map { " cpus " + SLOVerdict.trimmed($0, decimals: 3) } ?? "" : ""),
                    with, without)
            }
        }
    }

    /// "churn moves capacity, builtin: 1,200/s with churn (churn-capacity) against 1,600/s without (capacity): -25 %".
    static func churnLine(_ label: String, _ with: CapacityEntry, _ without: CapacityEntry) -> String {
        let change = (with.ratePerSecond / without.ratePerSecond - 1) * 100
        return "churn moves capacity, \(label): \(FigureFormat.decimal(with.ratePerSecond, decimals: 0))/s with churn"
            + "\(with.scenario.map { " (\($0))" } ?? "") against \(FigureFormat.decimal(without.ratePerSecond, decimals: 0))/s "
            + "without\(without.scenario.map { " (\($0))" } ?? ""): \(change >= 0 ? "+" : "")\(FigureFormat.decimal(change, decimals: 0)) %"
    }

    /// Per system that paused: the longest server pause every client saw, and how many.
    static func pauses(_ summary: RunSummary) -> [String] {
        let paused = summary.cells.filter { $0.status == .ok && $0.pauses.count > 0 }
        return systems(paused).compactMap { system in
            let cells = paused.filter { $0.system == system }
            guard let worst = cells.max(by: { $0.pauses.longestMs < $1.pauses.longestMs }) else { return nil }
            let count = cells.map(\.pauses.count).reduce(0, +)
            return "longest server pause, \(system): \(FigureFormat.decimal(worst.pauses.longestMs, decimals: 0)) ms "
                + "(\(count) pauses ≥ \(worst.pauses.thresholdMs) ms over \(cells.count) cells; worst in \(worst.label))"
        }
    }

    /// Per system: the fewest measured cores whose capacity reached the load; else an
    /// extrapolation from the best per-core capacity, said to be one.
    static func cores(_ summary: RunSummary) -> [String] {
        guard let load = summary.decisionLoadPerSecond else { return [] }
        let loadText = FigureFormat.decimal(load, decimals: 0) + "/s"
        guard !summary.capacity.isEmpty else {
            return ["cores for \(loadText): no capacity search in this run (add a scenario with 'rate: search')"]
        }
        var systems: [String] = []
        for entry in summary.capacity where !systems.contains(entry.system) { systems.append(entry.system) }
        return systems.map { system in
            let entries = summary.capacity.filter { $0.system == system && $0.ratePerSecond > 0 }
            let limited = entries.filter { $0.cpus != nil }
            if let enough = limited.filter({ $0.ratePerSecond >= load }).min(by: { ($0.cpus ?? 0) < ($1.cpus ?? 0) }),
                let cpus = enough.cpus
            {
                return "cores for \(loadText) at the SLO, \(system): \(SLOVerdict.trimmed(cpus, decimals: 3)) "
                    + "(capacity \(FigureFormat.decimal(enough.ratePerSecond, decimals: 0))/s at \(enough.connections) connections)"
                    + (enough.limitedByGenerator ? ", a lower bound" : "")
            }
            if let best = limited.max(by: { ($0.perCoreRatePerSecond ?? 0) < ($1.perCoreRatePerSecond ?? 0) }),
                let perCore = best.perCoreRatePerSecond, perCore > 0, let cpus = best.cpus
            {
                let needed = load / perCore
                return
                    "cores for \(loadText) at the SLO, \(system): about \(SLOVerdict.trimmed(needed, decimals: 1)), extrapolated "
                    + "from \(FigureFormat.decimal(perCore, decimals: 0))/s per core at cpus \(SLOVerdict.trimmed(cpus, decimals: 3)) "
                    + "(no measured cpus value reached it; scaling across cores is assumed, not measured)"
            }
            if let unlimited = entries.max(by: { $0.ratePerSecond < $1.ratePerSecond }) {
                let verdict = unlimited.ratePerSecond >= load ? "reached" : "did not reach"
                return "cores for \(loadText) at the SLO, \(system): unknown (no cpus limit); unlimited it \(verdict) the load "
                    + "(\(FigureFormat.decimal(unlimited.ratePerSecond, decimals: 0))/s)"
            }
            return "cores for \(loadText) at the SLO, \(system): no rate met the SLO"
        }
    }

    /// Per system: the largest connection count's server memory, or that it did not hold it.
    static func memory(_ summary: RunSummary) -> [String] {
        guard let largest = summary.cells.map(\.connections).max(),
            summary.cells.map(\.connections).min() != largest
                || summary.capacity.isEmpty == false
        else { return [] }
        var systems: [String] = []
        for cell in summary.cells where !systems.contains(cell.system) { systems.append(cell.system) }
        let count = FigureFormat.count(largest)
        return systems.compactMap { system in
            let cells = summary.cells.filter { $0.system == system && $0.connections == largest }
            guard !cells.isEmpty else { return nil }
            let ok = cells.filter { $0.status == .ok }
            // An external target's memory was never sampled: unknown, not "did not hold them".
            if !ok.isEmpty, ok.allSatisfy({ $0.target != nil }) {
                return "memory for \(count) connections, \(system): unknown (an external target is not sampled)"
            }
            guard let peak = ok.compactMap(\.server?.rssPeakBytes).max() else {
                let why = cells.first?.error.map { ": " + Comparison.oneLine($0) } ?? ""
                return "memory for \(count) connections, \(system): did not hold them\(why)"
            }
            var text = "memory for \(count) connections, \(system): \(FigureFormat.bytes(peak)) peak RSS"
            if let perConnection = ok.compactMap({ $0.server?.memoryPerConnectionBytes }).max() {
                text += " (\(FigureFormat.bytes(perConnection)) per connection)"
            }
            return text
        }
    }

    /// Per closed-loop series over connections: the first count whose req/s fell more than 20 %
    /// below the previous count's, or how far it kept up.
    static func scaling(_ summary: RunSummary) -> [String] {
        let rows = CellGroup.groups(of: summary.cells.filter { $0.ratePerSecond == nil })
        var keys: [String] = []
        var series: [String: [CellGroup]] = [:]
        for row in rows {
            let key = [row.scenario, row.system, row.cpus.map { "cpus" + SLOVerdict.trimmed($0, decimals: 3) }]
                .compactMap { $0 }.joined(separator: " ")
            if series[key] == nil { keys.append(key) }
            series[key, default: []].append(row)
        }
        return keys.compactMap { key in
            let own = (series[key] ?? []).filter { $0.okCount > 0 }
            guard own.count > 1 else { return nil }
            let rates = own.map { $0.spread(of: \.requestsPerSecond)?.median ?? 0 }
            // A stream series counts messages (see the table's counts column).
            let unit = own.allSatisfy(\.countsMessages) ? "msg/s" : "req/s"
            for index in 1..<own.count where rates[index - 1] > 0 && rates[index] < rates[index - 1] * (1 - scalingDrop) {
                let drop = (1 - rates[index] / rates[index - 1]) * 100
                return "\(unit) stopped scaling, \(key): at \(FigureFormat.count(own[index].connections)) connections "
                    + "(\(FigureFormat.decimal(rates[index], decimals: 0))/s, \(FigureFormat.decimal(drop, decimals: 0)) % below "
                    + "\(FigureFormat.decimal(rates[index - 1], decimals: 0))/s at \(FigureFormat.count(own[index - 1].connections)))"
            }
            return "\(unit) kept up, \(key): no count fell more than 20 % below the previous, up to "
                + "\(FigureFormat.count(own[own.count - 1].connections)) connections"
        }
    }
}
