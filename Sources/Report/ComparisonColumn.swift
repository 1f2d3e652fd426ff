import Metrics

/// One column of the human-readable comparison: its heading, its alignment, and how a row
/// (the repeats of one system at one connection count) fills it.
struct ComparisonColumn {
    /// Which side a column's values line up on.
    enum Alignment {
        /// Words: system names, statuses.
        case left
        /// Figures, so that digits of equal weight line up.
        case right
    }

    let heading: String
    let alignment: Alignment
    let value: (CellGroup) -> String

    /// Heading of the column that names each row's `bottleneck`, explained by `limitFootnote`.
    static let limitHeading = "limit"
    /// What the limit column's words mean.
    static let limitFootnote =
        "limit: server-cpu = the server used ≥ 90 % of its CPU limit (of its host's cores when"
        + " unlimited); client = a client worker was saturated or a client host had < 10 % CPU idle: the load generator,"
        + " not the server, may be the limit; server-cpu wins when both hold"
    /// What "-" in the server columns and `server-unknown` mean for an external target.
    static let externalFootnote =
        "external targets (servers Barrage did not start) are not sampled: their srv CPU%, srv RSS and mem/conn"
        + " are shown \"-\", and limit server-unknown means the generator kept up but whether the server's CPU was"
        + " the limit cannot be told"
    /// Heading of the column of server replicas, shown when some row ran more than one.
    static let replicasHeading = "replicas"
    /// How the server columns read with replicas, shown when some row ran more than one.
    static let replicasFootnote =
        "replicas: srv CPU%, srv RSS and mem/conn are the sums over a cell's server replicas;"
        + " srv CPU% adds (lowest–highest replica), the spread between them"
    /// What a clamped server CPU figure means, shown when some cell's was clamped.
    static let clampFootnote =
        "srv CPU%: % of one core; a reading at most 2 % above the server's CPU allowance"
        + " (its limit, or its host's cores) is shown at the allowance: sampling error, a cgroup grants no more"
    /// Heading of the column that says whether a row's req/s and latency count calls or the
    /// messages of stream calls, shown when some row streams; explained by `countsFootnote`.
    static let countsHeading = "counts"
    /// What the counts and streams/s columns mean.
    static let countsFootnote =
        "counts: what req/s, p50, p99 and errors count in the row — calls, or for stream calls their messages"
        + " (req/s is then messages/s and latency is per message: server streaming from the call's start or the"
        + " message before, bidi each round trip, client streaming the call's time for each message it sent);"
        + " streams/s: stream calls that ended well in the window, per second (long-lived ping-pong streams end"
        + " only with their connection)"
    /// The mark of a cell whose open-loop generator sent late, explained by `Comparison.lateFootnote`.
    static let lateMark = "late"
    /// The mark of a cell whose percentiles are lower bounds (`Comparison.lowerBoundsFootnote`).
    static let lowerBoundsMark = "lower bounds"

    /// The columns for `rows`. With repeats, the figures are medians (see `Spread`) and the
    /// main ones — req/s, p50, p99, mem/conn — carry their (min–max); the others would make
    /// the table too wide to read. The mark column only appears when a row has a mark.
    static func columns(for rows: [CellGroup]) -> [ComparisonColumn] {
        let repeats = rows.contains { $0.cells.count > 1 }
        // Between repeats req/s varies by far more than a tenth: whole numbers keep the ranges readable.
        let rateDecimals = repeats ? 0 : 1
        func rate(_ perSecond: Double) -> String { FigureFormat.decimal(perSecond, decimals: rateDecimals) }
        var columns: [ComparisonColumn] = []
        // The second part's dimensions get a column only when some row has them.
        if rows.contains(where: { $0.scenario != nil }) {
            columns.append(ComparisonColumn(heading: "scenario", alignment: .left) { $0.scenario ?? "-" })
        }
        columns.append(ComparisonColumn(heading: "system", alignment: .left) { $0.system })
        let replicated = rows.contains { $0.replicas > 1 }
        if replicated {
            columns.append(ComparisonColumn(heading: replicasHeading, alignment: .right) { "\($0.replicas)" })
        }
        if rows.contains(where: { $0.cpus != nil }) {
            columns.append(
                ComparisonColumn(heading: "cpus", alignment: .right) {
                    $0.cpus.map { SLOVerdict.trimmed($0, decimals: 3) } ?? "-"
                })
        }
        if rows.contains(where: \.tls) {
            columns.append(ComparisonColumn(heading: "tls", alignment: .left) { $0.tls ? "tls" : "plain" })
        }
        if rows.contains(where: { $0.ratePerSecond != nil }) {
            columns.append(
                ComparisonColumn(heading: "offered/s", alignment: .right) {
                    $0.ratePerSecond.map { FigureFormat.decimal($0, decimals: 0) } ?? "max"
                })
        }
        columns += [
            ComparisonColumn(heading: "conns", alignment: .right) { FigureFormat.count($0.connections) }
        ]
        // Churn: connections opened per second and what setting one up took.
        if rows.contains(where: { row in row.cells.contains { $0.connectionsOpened > 0 } }) {
            columns += [
                ComparisonColumn(heading: "conn/s", alignment: .right) {
                    median($0.spread(of: \.connectionsOpenedPerSecond)) { FigureFormat.decimal($0, decimals: 1) }
                },
                ComparisonColumn(heading: "connect p50", alignment: .right) {
                    median($0.spread(ofKnown: { $0.connectionsOpened > 0 ? $0.connect.p50 : nil }), latency)
                }
            ]
        }
        columns += [
            ComparisonColumn(heading: "status", alignment: .left, value: statusText),
            ComparisonColumn(heading: "req/s", alignment: .right) { ranged($0.spread(of: \.requestsPerSecond), rate) },
            ComparisonColumn(heading: "p50", alignment: .right) { ranged($0.latency(\.p50), latency) },
            ComparisonColumn(heading: "p99", alignment: .right) { ranged($0.latency(\.p99), latency) },
            ComparisonColumn(heading: "p99.9", alignment: .right) { median($0.latency(\.p999), latency) },
            ComparisonColumn(heading: "errors", alignment: .right) { median($0.spread(of: \.errors), FigureFormat.count) },
            ComparisonColumn(heading: "srv CPU%", alignment: .right) { row in
                let sum = median(row.spread(ofKnown: \.server?.cpuPercent), FigureFormat.percent)
                guard row.replicas > 1, let spread = row.replicaSpread(of: \.cpuPercent) else { return sum }
                return "\(sum) (\(range(FigureFormat.percent(spread.min), FigureFormat.percent(spread.max))))"
            },
            ComparisonColumn(heading: "srv RSS peak", alignment: .right) {
                median($0.spread(ofKnown: \.server?.rssPeakBytes), FigureFormat.bytes)
            },
            ComparisonColumn(heading: "srv RSS sust", alignment: .right) {
                median($0.spread(ofKnown: \.server?.rssSustainedBytes), FigureFormat.bytes)
            },
            ComparisonColumn(heading: "mem/conn", alignment: .right) {
                ranged($0.spread(ofKnown: { $0.server?.memoryPerConnectionBytes }), FigureFormat.bytes)
            },
            ComparisonColumn(heading: "cli CPU%", alignment: .right) {
                median($0.spread(of: \.clients.cpuPercent), FigureFormat.percent)
            },
            ComparisonColumn(heading: limitHeading, alignment: .left, value: limitText)
        ]
        // Stream calls: say beside req/s what a row counts, and how many streams ended a second.
        if rows.contains(where: \.countsMessages) {
            let at = columns.firstIndex { $0.heading == "req/s" }.map { $0 + 1 } ?? columns.count
            columns.insert(
                contentsOf: [
                    ComparisonColumn(heading: countsHeading, alignment: .left) { $0.countsMessages ? "messages" : "calls" },
                    ComparisonColumn(heading: "streams/s", alignment: .right) {
                        median($0.spread(ofKnown: \.streamsPerSecond), rate)
                    }
                ], at: at)
        }
        // Server pauses: how many every client saw, and the longest, when some cell had one.
        if rows.contains(where: { row in row.cells.contains { $0.pauses.count > 0 } }) {
            columns.insert(
                ComparisonColumn(heading: "pauses", alignment: .right) { row in
                    guard let count = row.spread(of: \.pauses.count), let longest = row.spread(of: \.pauses.longestMs)
                    else { return "-" }
                    guard count.median > 0 else { return "0" }
                    return "\(count.median) (\(FigureFormat.decimal(longest.median, decimals: 0))ms)"
                }, at: columns.count - 2)
        }
        if rows.contains(where: { !marks($0).isEmpty }) {
            columns.append(ComparisonColumn(heading: "", alignment: .left, value: marks))
        }
        return columns
    }

    /// The median, then its range when the repeats differed: "1.30ms (1.20–1.40ms)"; "-"
    /// without a figure. An equal min and max add nothing the status ("3/3 ok") does not say.
    static func ranged<Value>(_ spread: Spread<Value>?, _ format: (Value) -> String) -> String {
        guard let spread else { return "-" }
        guard spread.hasRange, spread.min != spread.max else { return format(spread.median) }
        return "\(format(spread.median)) (\(range(format(spread.min), format(spread.max))))"
    }

    /// "low–high", the unit written once when both share it ("1.20–1.40ms", "39.1–40.1 KiB"),
    /// which keeps the widest columns narrower; "812µs–1.20ms" when they differ.
    static func range(_ low: String, _ high: String) -> String {
        let unit = String(high.reversed().prefix { !$0.isNumber }.reversed())
        guard !unit.isEmpty, low.hasSuffix(unit), low.dropLast(unit.count).last?.isNumber == true else {
            return "\(low)–\(high)"
        }
        return "\(low.dropLast(unit.count))–\(high)"
    }

    /// The median alone; "-" without a figure.
    static func median<Value>(_ spread: Spread<Value>?, _ format: (Value) -> String) -> String {
        spread.map { format($0.median) } ?? "-"
    }

    /// A latency with its unit.
    static func latency(_ microseconds: UInt64) -> String { FigureFormat.latency(microseconds: microseconds) }

    /// The row's bottleneck as a word; "-" for none, so the two that matter stand out.
    static func limitText(_ row: CellGroup) -> String {
        row.bottleneck == .none ? "-" : row.bottleneck.rawValue
    }

    /// The late-send mark of `row`, if any of its repeats earned it (its generator fell
    /// behind: late sends ≥ 1 % of its sends). Queued sends earn none: they are the server's
    /// doing, and the footnote counts them.
    static func marks(_ row: CellGroup) -> String {
        var marks: [String] = []
        if row.cells.contains(where: \.generatorFellBehind) { marks.append(lateMark) }
        if row.cells.contains(where: \.percentilesAreLowerBounds) { marks.append(lowerBoundsMark) }
        return marks.joined(separator: ", ")
    }

    /// A lone cell's status as before repeats were grouped; with repeats, how many ended
    /// ok ("2/3 ok"), in capitals when none did ("FAILED 0/3"), so a row without figures stands out.
    static func statusText(_ row: CellGroup) -> String {
        if row.cells.count == 1 { return statusText(row.cells[0].status) }
        let ok = row.okCount
        if ok > 0 { return "\(ok)/\(row.cells.count) ok" }
        let worst: CellStatus = row.cells.contains { $0.status == .failed } ? .failed : .interrupted
        return "\(statusText(worst)) 0/\(row.cells.count)"
    }

    /// Non-ok statuses in capitals, so they stand out among the figures.
    static func statusText(_ status: CellStatus) -> String {
        switch status {
        case .ok: "ok"
        case .failed: "FAILED"
        case .interrupted: "INTERRUPTED"
        }
    }
}
