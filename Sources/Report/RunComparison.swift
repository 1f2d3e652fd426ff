/// What `barrage compare` shows: the cells of several runs matched by key (scenario,
/// system, replicas, cpus, connections, rate), each figure per run with its ratio to the
/// first run and, with ≥ 3 ok repeats on both sides, a Mann–Whitney U test of the repeats.
///
/// Pure: built from the runs' summaries.
public struct RunComparison: Sendable {
    /// One run: a results directory and its summary.
    public struct Run: Sendable {
        /// "A", "B", …: how the tables name the run.
        public var label: String
        /// The results directory as given on the command line.
        public var directory: String
        /// Its summary, rebuilt from its node files.
        public var summary: RunSummary

        /// A run; see each property.
        public init(label: String, directory: String, summary: RunSummary) {
            self.label = label
            self.directory = directory
            self.summary = summary
        }
    }

    /// One figure of one cell key across the runs.
    public struct Row: Sendable {
        /// The cell the row compares, repeats folded.
        public var key: CellKey
        /// Which figure.
        public var figure: ComparedFigure
        /// Per run (in run order): the figure over the key's ok repeats; nil when the run has
        /// no cell of this key; empty when it has one but no ok repeat knows the figure.
        public var samples: [[Double]?]

        /// Per run: the median (the lower middle for an even count, as the tables use).
        public var medians: [Double?] { samples.map { $0.flatMap { Spread($0)?.median } } }

        /// Per run after the first: its median ÷ the first run's; nil without both (or a zero first).
        public var ratios: [Double?] {
            let medians = medians
            return medians.dropFirst().map { median in
                guard let median, let first = medians[0], first != 0 else { return nil }
                return median / first
            }
        }

        /// Per run after the first: the U test of its repeats against the first run's, when
        /// both have at least `RunComparison.minimumRepeats`.
        public var tests: [MannWhitneyU?] {
            guard let first = samples[0], first.count >= RunComparison.minimumRepeats else {
                return Array(repeating: nil, count: samples.count - 1)
            }
            return samples.dropFirst().map { sample in
                guard let sample, sample.count >= RunComparison.minimumRepeats else { return nil }
                return MannWhitneyU(sample, first)
            }
        }
    }

    /// Repeats each side needs before a difference is tested.
    public static let minimumRepeats = 3
    /// A difference with p at or above this is noise: shown as `~`.
    public static let significance = 0.05

    /// The runs, the baseline first.
    public var runs: [Run]
    /// Every key present in two or more runs, each figure a row: keys in the order the
    /// first run holding them ran them, figures in `ComparedFigure` order.
    public var rows: [Row]
    /// Keys present in one run only, with that run's label.
    public var unmatched: [(key: CellKey, run: String)]
    /// Per run, the key each of its cells is matched by, in cell order (see `cellKeys`).
    public var keys: [[CellKey]]

    /// The comparison of `runs` (at least one).
    public init(_ runs: [Run]) {
        self.runs = runs
        keys = Self.cellKeys(runs.map(\.summary))
        let keyed = zip(keys, runs).map { keys, run in zip(keys, run.summary.cells).map { (key: $0, cell: $1) } }
        var order: [CellKey] = []
        for cells in keyed { for entry in cells where !order.contains(entry.key) { order.append(entry.key) } }
        var rows: [Row] = []
        var unmatched: [(key: CellKey, run: String)] = []
        for key in order {
            let present = keyed.map { cells in cells.filter { $0.key == key }.map(\.cell) }
            let holders = present.indices.filter { !present[$0].isEmpty }
            guard holders.count > 1 else {
                unmatched.append((key, runs[holders[0]].label))
                continue
            }
            for figure in ComparedFigure.allCases {
                let samples = present.map { cells -> [Double]? in
                    cells.isEmpty ? nil : cells.filter { $0.status == .ok }.compactMap(figure.value)
                }
                // A figure no run knows (mem/conn of a server without an idle RSS) is no row.
                guard samples.contains(where: { !($0 ?? []).isEmpty }) else { continue }
                rows.append(Row(key: key, figure: figure, samples: samples))
            }
        }
        self.rows = rows
        self.unmatched = unmatched
    }

    /// Dimensions that may be a whole run's setting rather than a cell's: a `cpus` limit, a
    /// fixed rate, a replica count.
    static let settingDimensions: Set = ["cpus", "rate_per_second", "replicas"]

    /// The setting dimensions every cell of every run holds at one value (each run its own
    /// value). They name a run, not its cells, so they are left out of the keys: a run whose
    /// server had `cpus: 0.5` matches an unlimited run of the same topology cell by cell, and
    /// the ratio shows what the limit did. A dimension some run sweeps stays in every run's
    /// keys, so a run held at `replicas: 2` matches the 2-replica cells of a run sweeping
    /// `replicas: [1, 2, 3]`, not all three.
    static func heldSettings(_ runs: [[CellKey]]) -> Set<String> {
        settingDimensions.filter { dimension in
            runs.allSatisfy { keys in Set(keys.map { $0.values[dimension] }).count <= 1 }
        }
    }

    /// The keys `compare` matches the cells of `summaries` by, per summary in cell order:
    /// each cell's `CellKey` without the runs' held settings.
    public static func cellKeys(_ summaries: [RunSummary]) -> [[CellKey]] {
        let keys = summaries.map { $0.cells.map { CellKey($0) } }
        let held = heldSettings(keys)
        return keys.map { run in run.map { $0.without(held) } }
    }

    /// How a ratio cell reads: "×1.23", "~" when the U test found no significant
    /// difference, "-" without a ratio; the test's p follows in parentheses when one ran.
    public static func ratioText(_ ratio: Double?, _ test: MannWhitneyU?) -> String {
        guard let ratio else { return "-" }
        let shown = test.map { $0.p >= significance } == true ? "~" : "×" + FigureFormat.decimal(ratio, decimals: 2)
        guard let test else { return shown }
        return shown + " (p=" + FigureFormat.decimal(test.p, decimals: 3) + ")"
    }

    /// How a value cell reads: the median, its (min–max) when repeats differ, "-" without one.
    public static func valueText(_ samples: [Double]?, _ figure: ComparedFigure) -> String {
        guard let samples else { return "-" }
        let spread = Spread(samples)
        let text = ComparisonColumn.ranged(spread, figure.format)
        guard let spread, spread.count > 1 else { return text }
        return text + " n=\(spread.count)"
    }

    /// Footnotes on how to read the ratios.
    public var footnotes: [String] {
        var notes = [
            "ratios are each run's median ÷ run A's; ~: the difference is not significant"
                + " (Mann–Whitney U, p ≥ \(FigureFormat.decimal(Self.significance, decimals: 2)))"
        ]
        let untested = rows.contains { row in zip(row.ratios, row.tests).contains { $0 != nil && $1 == nil } }
        if untested {
            notes.append("ratios without p were not tested: fewer than \(Self.minimumRepeats) ok repeats on a side")
        }
        // Tiny samples cannot reach significance however far apart they are: say so, or
        // every `~` would read as "no difference".
        let sizes = rows.flatMap { row in
            row.tests.indices.compactMap { index -> (Int, Int)? in
                guard row.tests[index] != nil, let first = row.samples[0], let other = row.samples[index + 1] else { return nil }
                return (first.count, other.count)
            }
        }
        if let (n1, n2) = sizes.first(where: { MannWhitneyU.smallestP($0.0, $0.1) >= Self.significance }) {
            notes.append(
                "with \(n1) and \(n2) ok repeats the smallest possible p is "
                    + FigureFormat.decimal(MannWhitneyU.smallestP(n1, n2), decimals: 3)
                    + ", so no difference can be significant: use repeat: 4 or more")
        }
        return notes
    }
}
