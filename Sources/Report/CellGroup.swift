import Metrics

/// Every repeat of one (system, connections) pair — at one scenario, replica count, CPU limit
/// and rate: one row of the comparison.
///
/// `summary.json` keeps one cell per repeat; this is how the table and markdown (and the
/// JSON's derived `groups`) fold the repeats into medians, so it is built from cells only.
public struct CellGroup: Sendable, Equatable {
    /// The system's name in the topology.
    public var system: String
    /// Total connections over all client workers.
    public var connections: Int
    /// The repeats, in run order; never empty.
    public var cells: [CellSummary]

    /// The scenario, replica count, CPU limit and offered rate the repeats share (nil: none,
    /// unlimited, closed loop).
    public var scenario: String? { cells.first?.scenario }
    public var replicas: Int { cells.first?.replicas ?? 1 }
    public var cpus: Double? { cells.first?.cpus }
    public var ratePerSecond: Double? { cells.first?.ratePerSecond }
    /// Whether the repeats spoke h2 over TLS.
    public var tls: Bool { cells.first?.tls ?? false }

    /// The repeats that ended ok.
    public var okCount: Int { cells.filter { $0.status == .ok }.count }

    /// The repeats the figures are taken from: those that ended ok, or every repeat when
    /// none did — a failed cell keeps what it measured, and a lone failed cell has always
    /// been shown with its figures.
    public var measured: [CellSummary] {
        let ok = cells.filter { $0.status == .ok }
        return ok.isEmpty ? cells : ok
    }

    /// `figure` over the measured repeats.
    public func spread<Value>(of figure: (CellSummary) -> Value) -> Spread<Value>? {
        Spread(measured.map(figure))
    }

    /// `figure` over the measured repeats that know it; nil when none does.
    public func spread<Value>(ofKnown figure: (CellSummary) -> Value?) -> Spread<Value>? {
        Spread(measured.compactMap(figure))
    }

    /// One latency percentile over the measured repeats that completed a request (an empty
    /// histogram reads 0 µs, which would pass for fast).
    public func latency(_ percentile: KeyPath<LatencySummary, UInt64>) -> Spread<UInt64>? {
        spread(ofKnown: { $0.requests > 0 ? $0.latency[keyPath: percentile] : nil })
    }

    /// One replica figure over every replica of the measured repeats (the spread between
    /// replicas, not between repeats); nil when the repeats have no per-replica figures
    /// (one replica).
    public func replicaSpread<Value>(of figure: (ReplicaFigures) -> Value) -> Spread<Value>? {
        Spread(measured.flatMap(\.servers).map(figure))
    }

    /// The repeats count the messages of stream calls, not calls (see `CellSummary.countsMessages`).
    public var countsMessages: Bool { cells.contains(where: \.countsMessages) }

    /// Some repeat's load generator was saturated.
    public var saturated: Bool { cells.contains(where: \.clients.saturated) }

    /// Sends the generator made late, over every repeat.
    public var lateSends: UInt64 { cells.map(\.clients.lateSends).reduce(0, +) }

    /// Sends that waited for a busy connection, over every repeat.
    public var queuedSends: UInt64 { cells.map(\.clients.queuedSends).reduce(0, +) }

    /// The verdict most measured repeats got; on a tie, `server-cpu` before `client` before
    /// `server-unknown` before `none`, the order `Bottleneck.judge` decides in.
    public var bottleneck: Bottleneck {
        var best = Bottleneck.none
        var bestCount = -1
        for verdict in [Bottleneck.serverCPU, .client, .serverUnknown, .none] {
            let count = measured.filter { $0.bottleneck == verdict }.count
            if count > bestCount { (best, bestCount) = (verdict, count) }
        }
        return best
    }

    /// `cells` grouped by (scenario, replicas, cpus, tls, connections, rate, system): scenarios
    /// in run order, then ascending replicas, cpus, connections and rate, plaintext before TLS
    /// (so one section shows each system plain against TLS), then systems in the order they
    /// first ran, each group's repeats in run order.
    public static func groups(of cells: [CellSummary]) -> [CellGroup] {
        var groups: [CellGroup] = []
        var index: [String: Int] = [:]
        var scenarioOrder: [String: Int] = [:]
        for cell in cells where scenarioOrder[cell.scenario ?? ""] == nil {
            scenarioOrder[cell.scenario ?? ""] = scenarioOrder.count
        }
        for cell in cells {
            // Numbers and separators that no number contains, the name last: names may hold anything.
            let key =
                "\(cell.scenario ?? "") \(cell.replicas) \(cell.cpus ?? 0) \(cell.tls) \(cell.ratePerSecond ?? 0) \(cell.connections) \(cell.system)"
            if let position = index[key] {
                groups[position].cells.append(cell)
            } else {
                index[key] = groups.count
                groups.append(CellGroup(system: cell.system, connections: cell.connections, cells: [cell]))
            }
        }
        // Sort by (connections, first run) explicitly: `sort` does not promise stability.
        func order(_ group: CellGroup) -> (Int, Int, Double, Int, Double, Int) {
            (
                scenarioOrder[group.scenario ?? ""] ?? 0, group.replicas, group.cpus ?? 0, group.connections,
                group.ratePerSecond ?? 0, group.tls ? 1 : 0
            )
        }
        return groups.enumerated()
            .sorted { lhs, rhs in
                let (left, right) = (order(lhs.element), order(rhs.element))
                return left != right ? left < right : lhs.offset < rhs.offset
            }
            .map(\.element)
    }
}
