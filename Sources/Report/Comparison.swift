import Foundation
import Metrics

/// What the table and markdown formats show, before layout: both read from this, so they
/// never disagree on content.
struct Comparison {
    /// Topology, start time, run status and version, in one line.
    let heading: String
    /// What each system was built from (see `VersionsLine`); nil when none reported it.
    let versions: String?
    let columns: [ComparisonColumn]
    /// Rows (the repeats of one system at one count) grouped by connections, ascending;
    /// systems in the order they first ran within a group.
    let sections: [[CellGroup]]
    /// How each system scales with connections (see `ScalingLines`); empty when none ran at two counts.
    let scaling: [String]
    /// How each system scales with server replicas, one line each (see `ReplicaScaling.line`);
    /// empty without a replicas sweep.
    let replicaScaling: [String]
    /// One line per cell that did not end ok ("builtin c100 r1: why"), then one per cell that
    /// counted failed calls, naming the most common kind and the server's message for it.
    let problems: [String]
    /// Explanations of the marks and figures used, if any.
    let footnotes: [String]
    /// The cells that missed a gating SLO, one line each (`launch` exits 3 for them); empty when none did.
    let sloMisses: [String]
    /// What heads them: the exit code only when it is theirs (a failed cell's 1 wins).
    let sloTitle: String
    /// The capacity table's lines (aligned text), empty without a capacity search.
    let capacity: [String]
    /// The decision block's lines, empty when the run has nothing to decide on.
    let decision: [String]

    init(_ summary: RunSummary) {
        heading =
            "topology \(summary.topology), started \(summary.started), status \(summary.status.rawValue)"
            + " (barrage \(summary.barrage))"
        versions = VersionsLine.line(summary.systems)
        let rows = summary.groups
        columns = ComparisonColumn.columns(for: rows)
        // `rows` are already sorted: split them where the scenario, replicas, cpus, count or rate changes.
        func sameSection(_ lhs: CellGroup, _ rhs: CellGroup) -> Bool {
            lhs.scenario == rhs.scenario && lhs.replicas == rhs.replicas && lhs.cpus == rhs.cpus
                && lhs.connections == rhs.connections
                && lhs.ratePerSecond == rhs.ratePerSecond
        }
        sections = rows.reduce(into: [[CellGroup]]()) { sections, row in
            if let last = sections.last?.last, sameSection(last, row) {
                sections[sections.count - 1].append(row)
            } else {
                sections.append([row])
            }
        }
        scaling = ScalingLines.lines(summary.cells)
        replicaScaling = summary.scaling.map(\.line)
        problems =
            summary.cells
            .filter { $0.status != .ok || $0.error != nil }
            .map { cell in "\(cell.label): \(Self.oneLine(cell.error ?? cell.status.rawValue))" }
            + summary.cells.compactMap { cell in
                // Why calls failed, in the server's words, for every cell that counted failures.
                guard let top = ErrorSample.mostCommon(cell.errorsByKind, messages: cell.errorMessages) else { return nil }
                return "\(cell.label): \(cell.errors) errors, most \(top.count) \(Self.oneLine(top.text))"
            }
        var footnotes: [String] = []
        if rows.contains(where: { $0.cells.count > 1 }) { footnotes.append(Self.repeatsFootnote) }
        if rows.contains(where: { $0.replicas > 1 }) { footnotes.append(ComparisonColumn.replicasFootnote) }
        if rows.contains(where: \.countsMessages) { footnotes.append(ComparisonColumn.countsFootnote) }
        if summary.cells.contains(where: { $0.server?.cpuPercentUnclamped != nil }) {
            footnotes.append(ComparisonColumn.clampFootnote)
        }
        if rows.contains(where: { $0.bottleneck == .serverCPU || $0.bottleneck == .client }) {
            let reasons = Self.serverLimitReasons(summary.cells) + Self.clientLimitReasons(summary.cells)
            footnotes.append(ComparisonColumn.limitFootnote + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"))
        }
        if summary.cells.contains(where: { $0.target != nil }) { footnotes.append(ComparisonColumn.externalFootnote) }
        if let late = Self.lateFootnote(summary.cells) { footnotes.append(late) }
        if let queued = Self.queuedFootnote(summary.cells) { footnotes.append(queued) }
        if let unfinished = Self.lowerBoundsFootnote(summary.cells) { footnotes.append(unfinished) }
        self.footnotes = footnotes
        sloMisses = summary.sloGateMisses.map { "\($0.label): " + $0.sloMisses.joined(separator: ", ") }
        sloTitle = summary.status == .ok ? "slo missed (exit 3):" : "slo missed:"
        capacity = CapacityTable.lines(summary)
        decision = DecisionBlock.lines(summary)
    }

    /// How rows with repeats read; see `Spread` and `ComparisonColumn.columns(for:)`.
    static let repeatsFootnote =
        "figures are the median of a row's ok repeats (the lower middle one for an even count);"
        + " req/s, p50, p99 and mem/conn add (min–max)"

    /// What the late mark means, with how many sends were late in the marked cells; nil when
    /// no cell's generator fell behind (a few late sends below 1 % are the host's hiccups).
    static func lateFootnote(_ cells: [CellSummary]) -> String? {
        let late = cells.filter(\.generatorFellBehind)
        guard !late.isEmpty else { return nil }
        let total = late.map(\.clients.lateSends).reduce(0, +)
        let perCell = late.map { "\($0.label): \(FigureFormat.count($0.clients.lateSends))" }.joined(separator: "; ")
        return "\(ComparisonColumn.lateMark): the load generator fell behind the asked rate:"
            + " \(FigureFormat.count(total)) sends went out ≥ 1 ms late with a stream free (\(perCell));"
            + " latency still counts from the schedule"
    }

    /// Why each `server-cpu` cell is one: "builtin c100 r1: server busy 0.49 of its 0.5 cores",
    /// so the reader sees what the server's CPU was judged against. With replicas, the
    /// busiest one, which the verdict was judged on: "server-2 on h2 busy 0.99 of its 1.0 cores".
    static func serverLimitReasons(_ cells: [CellSummary]) -> [String] {
        cells.filter { $0.bottleneck == .serverCPU }.compactMap { cell in
            let busiest = cell.servers.max { ($0.allowanceShare ?? 0) < ($1.allowanceShare ?? 0) }
            let name = busiest.map { "\($0.node) on \($0.host)" } ?? "server"
            guard let percent = busiest?.cpuPercent ?? cell.server?.cpuPercent else { return nil }
            let busy = FigureFormat.decimal(percent / 100, decimals: 2)
            let cores = busiest.map(\.cpuAllowanceCores) ?? cell.server?.cpuAllowanceCores
            let allowance = cores.map { " of its \(FigureFormat.decimal($0, decimals: 1)) cores" } ?? ""
            return "\(cell.label): \(name) busy \(busy)\(allowance)"
        }
    }

    /// Why each `client` cell is one, in a few words per cell: "builtin c100 r1: local 4 % idle".
    /// A starved host is easy to miss, since its workers look idle.
    static func clientLimitReasons(_ cells: [CellSummary]) -> [String] {
        let reasons = cells.filter { $0.bottleneck == .client }.map { cell -> String in
            let hosts = cell.clients.hosts.compactMap { host -> String? in
                var why: [String] = []
                if host.saturated { why.append("saturated") }
                if let idle = host.cpuIdlePercent, idle < Bottleneck.hostIdleFloor * 100 {
                    why.append("\(FigureFormat.decimal(idle, decimals: 0)) % idle")
                }
                return why.isEmpty ? nil : "\(host.host) \(why.joined(separator: ", "))"
            }
            return "\(cell.label): \(hosts.isEmpty ? "a worker saturated" : hosts.joined(separator: ", "))"
        }
        return reasons
    }

    /// How many sends waited for a busy connection, in which cells; nil when none did.
    /// No mark: queueing is the server's doing (it held every stream), not the generator's.
    static func queuedFootnote(_ cells: [CellSummary]) -> String? {
        let queued = cells.filter { $0.clients.queuedSends > 0 }
        guard !queued.isEmpty else { return nil }
        let total = queued.map(\.clients.queuedSends).reduce(0, +)
        let perCell = queued.map { "\($0.label): \(FigureFormat.count($0.clients.queuedSends))" }.joined(separator: "; ")
        return "queued: \(FigureFormat.count(total)) open-loop sends came due while every stream of their connection was busy"
            + " and waited for one (\(perCell)): the server's queueing, counted from the due time"
    }

    /// The cells whose percentiles are lower bounds (over 0.1 % of their calls were still
    /// outstanding when the window closed); nil when none.
    static func lowerBoundsFootnote(_ cells: [CellSummary]) -> String? {
        let cut = cells.filter(\.percentilesAreLowerBounds)
        guard !cut.isEmpty else { return nil }
        let perCell = cut.map {
            "\($0.label): \(FigureFormat.count($0.unfinished)) unfinished, the oldest \(FigureFormat.latency(microseconds: $0.unfinishedOldestUs))"
        }.joined(separator: "; ")
        return
            "\(ComparisonColumn.lowerBoundsMark): the percentiles are lower bounds where over 0.1 % of the calls were still outstanding when"
            + " the window closed (\(perCell)); those calls took at least that long and no percentile holds them"
    }

    /// `text` on one line, so a multi-line error cannot break the layout.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
