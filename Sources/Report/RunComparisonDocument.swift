/// The JSON shape of `barrage compare --format json`:
///
/// ```
/// { "runs": [{ "label": "A", "directory": "…", "topology": "…", "started": "…", "status": "ok" }],
///   "rows": [{ "cell": { "system": "builtin", "connections": "100" }, "label": "builtin c100",
///              "figure": "requests_per_second",
///              "samples": [[…], […]], "medians": [m, m], "ratios": [r], "tests": [{ "u": …, "p": …, "method": "exact", "significant": true }] }],
///   "only_in_one_run": [{ "cell": {…}, "label": "…", "run": "B" }],
///   "notes": ["…"] }
/// ```
/// `samples` and `medians` have one entry per run (null where the run lacks the cell);
/// `ratios` and `tests` one per run after the first (null where there is none).
struct RunComparisonDocument: Encodable {
    struct Run: Encodable {
        var label: String
        var directory: String
        var topology: String
        var started: String
        var status: String
    }

    struct Test: Encodable {
        var u: Double
        var p: Double
        var method: String
        var significant: Bool
    }

    struct Row: Encodable {
        var cell: [String: String]
        var label: String
        var figure: String
        var samples: [[Double]?]
        var medians: [Double?]
        var ratios: [Double?]
        var tests: [Test?]
    }

    struct Unmatched: Encodable {
        var cell: [String: String]
        var label: String
        var run: String
    }

    var runs: [Run]
    var rows: [Row]
    var onlyInOneRun: [Unmatched]
    var notes: [String]

    enum CodingKeys: String, CodingKey {
        case runs, rows, notes
        case onlyInOneRun = "only_in_one_run"
    }

    init(_ comparison: RunComparison) {
        runs = comparison.runs.map {
            Run(
                label: $0.label, directory: $0.directory, topology: $0.summary.topology, started: $0.summary.started,
                status: $0.summary.status.rawValue)
        }
        rows = comparison.rows.map { row in
            Row(
                cell: row.key.values, label: row.key.label, figure: row.figure.rawValue, samples: row.samples,
                medians: row.medians, ratios: row.ratios,
                tests: row.tests.map { test in
                    test.map {
                        Test(u: $0.u, p: $0.p, method: $0.method.rawValue, significant: $0.p < RunComparison.significance)
                    }
                })
        }
        onlyInOneRun = comparison.unmatched.map { Unmatched(cell: $0.key.values, label: $0.key.label, run: $0.run) }
        notes = comparison.footnotes
    }
}
