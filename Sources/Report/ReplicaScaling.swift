/// How one system's throughput and P99 grow with server replicas, everything else held: one
/// line under the comparison, one element of `scaling` in `summary.json`, one line of the
/// report's scaling charts against replicas.
///
/// Efficiency is req/s(N) ÷ (N × req/s(1)): 1 is linear scaling, 0.5 means each replica
/// added carried half what the first did. When the sweep has no ok cell at one replica,
/// it is taken against the smallest count that has one, per replica:
/// (req/s(N) ÷ N) ÷ (req/s(B) ÷ B), and `baseReplicas` says which B.
public struct ReplicaScaling: Sendable, Equatable {
    /// One replica count's figures: medians over its ok repeats.
    public struct Point: Sendable, Equatable {
        /// Server replicas.
        public var replicas: Int
        /// Median req/s.
        public var requestsPerSecond: Double
        /// Median P99, µs; nil when no repeat completed a request.
        public var p99Microseconds: UInt64?
        /// See the type; 1 at the base count, nil when the base's req/s is 0.
        public var efficiency: Double?
    }

    /// The system.
    public var system: String
    /// What stays fixed along the line (scenario, cpus, connections, rate), system and
    /// replicas left out.
    public var fixed: CellKey
    /// The replica counts with an ok repeat, ascending.
    public var points: [Point]
    /// The replica counts the system ran at without any ok repeat: no point, but named.
    public var missing: [Int]

    /// The count efficiency is taken against: the smallest with a point.
    public var baseReplicas: Int { points.first?.replicas ?? 1 }

    /// One entry per system and held combination where the cells sweep replicas: some
    /// system ran at two or more replica counts with ok repeats (see `ScalingSeries`). In
    /// the order `ScalingSeries.all` finds them.
    public static func all(_ cells: [CellSummary]) -> [ReplicaScaling] {
        ScalingSeries.all(cells).filter { $0.dimension == .replicas }.flatMap { lines(of: $0, cells: cells) }
    }

    /// The lines of one replicas curve set; `cells` (all of the run's) name the counts
    /// without an ok repeat, which the set leaves out.
    static func lines(of set: ScalingSeries, cells: [CellSummary] = []) -> [ReplicaScaling] {
        set.lines.compactMap { line -> ReplicaScaling? in
            guard line.points.count > 1 else { return nil }
            let ran = Set(
                cells.filter {
                    $0.system == line.system && CellKey($0).without(["replicas", "system"]) == set.fixed
                }.map(\.replicas))
            let points = line.points.compactMap { point -> (Int, Double, UInt64?)? in
                guard let rate = point.cells.spread(of: \.requestsPerSecond)?.median else { return nil }
                return (Int(point.x), rate, point.cells.latency(\.p99)?.median)
            }
            guard let base = points.first else { return nil }
            let basePerReplica = base.1 / Double(base.0)
            return ReplicaScaling(
                system: line.system, fixed: set.fixed,
                points: points.map { replicas, rate, p99 in
                    Point(
                        replicas: replicas, requestsPerSecond: rate, p99Microseconds: p99,
                        efficiency: basePerReplica > 0 ? rate / Double(replicas) / basePerReplica : nil)
                },
                missing: ran.subtracting(points.map(\.0)).sorted())
        }
    }

    /// The line the table, markdown and HTML show under the comparison:
    /// `scaling builtin over replicas: 1 → 2 → 3: 41,200 → 80,100 → 115,900 req/s
    /// (efficiency 97 %, 94 %); p99 1.20ms → 1.25ms → 1.40ms`, the held settings after the
    /// system when there are any ("builtin c1000"), and the counts without an ok run last.
    public var line: String {
        let name = fixed.label.isEmpty ? system : "\(system) \(fixed.label)"
        let counts = points.map { "\($0.replicas)" }.joined(separator: " → ")
        let rates = points.map { FigureFormat.decimal($0.requestsPerSecond, decimals: 0) }.joined(separator: " → ")
        let efficiencies = points.dropFirst().map { point in
            point.efficiency.map { FigureFormat.decimal($0 * 100, decimals: 0) + " %" } ?? "-"
        }.joined(separator: ", ")
        let against = baseReplicas == 1 ? "" : " per replica against \(baseReplicas)"
        let p99 = points.map { $0.p99Microseconds.map(FigureFormat.latency(microseconds:)) ?? "-" }.joined(separator: " → ")
        var text = "scaling \(name) over replicas: \(counts): \(rates) req/s (efficiency\(against) \(efficiencies)); p99 \(p99)"
        if !missing.isEmpty {
            text += "; no ok run at " + missing.map { "\($0)" }.joined(separator: ", ") + " replicas"
        }
        return text
    }
}
