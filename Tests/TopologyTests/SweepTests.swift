import Testing

@testable import Topology

/// A topology with `scenarios`, sweeps, an SLO, a search and a decision: the second part of the contract.
private let sweepFile = """
    name: sweeps
    hosts:
      local: {}
    systems:
      - name: builtin
        container: builtin
      - name: web
        container: nginx
    server:
      host: local
      limits: { cpus: [0.5, 1], memory: 512MiB }
    clients:
      - host: local
    scenarios:
      - name: unary
        workload: { protocol: grpc, connections: [10, 100], rate: [500/s, 2000/s], slo: { p99: 50ms, errors: 0.1% } }
      - name: capacity
        workload:
          protocol: grpc
          connections: 100
          rate: search
          search: { start: 200/s, trial: 3s, precision: 10% }
          slo: { p999: 200ms, p50: 2ms }
    decision: { load: 10000/s }

    """

/// The sweep file with one line (1-based) replaced.
private func sweep(replacing line: Int, with text: String) -> String {
    var lines = sweepFile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[line - 1] = text
    return lines.joined(separator: "\n")
}

@Suite struct SweepTests {
    @Test func scenariosSweepsSLOSearchAndDecisionAreRead() throws {
        let topology = try parse(sweepFile).get()
        #expect(topology.scenarios.map(\.name) == ["unary", "capacity"])
        #expect(topology.server?.cpuSweep == [0.5, 1])
        #expect(topology.server?.limits == Limits(cpus: 0.5, memoryBytes: 512 << 20))
        let unary = topology.scenarios[0].workload
        #expect(unary.rates == .sweep([.perSecond(500), .perSecond(2000)]))
        #expect(unary.slo == SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000), .errors(maximumPercent: 0.1)]))
        let capacity = topology.scenarios[1].workload
        #expect(capacity.rates == .search(SearchSettings(startPerSecond: 200, trialMilliseconds: 3_000, precision: 0.1)))
        // Bounds keep file order, whatever the percentiles' own order.
        #expect(
            capacity.slo?.bounds == [.latency(.p999, maximumMicroseconds: 200_000), .latency(.p50, maximumMicroseconds: 2_000)])
        #expect(topology.decision == Decision(loadPerSecond: 10_000))
    }

    @Test func searchDefaultsAreTheFormatsDefaults() throws {
        let text = sweep(replacing: 23, with: "      slo: { p99: 500us }").replacingLine(22, with: "      warmup: 1s")
        let workload = try parse(text).get().scenarios[1].workload
        #expect(workload.rates == .search(SearchSettings(startPerSecond: 1_000, trialMilliseconds: 5_000, precision: 0.05)))
        #expect(workload.slo?.bounds == [.latency(.p99, maximumMicroseconds: 500)])
    }

    @Test func cellIdsNameEverySweptValueInRunOrder() throws {
        let plan = Planner.plan(try parse(sweepFile).get())
        // 2 systems × 2 cpus × (2 counts × 2 rates + 1 count × 1 search) = 20 cells.
        #expect(plan.cells.count == 20)
        #expect(
            Array(plan.cells.map(\.id).prefix(5)) == [
                "unary-builtin-cpus0.5-c10-r500-1", "unary-web-cpus0.5-c10-r500-1",
                "unary-builtin-cpus0.5-c10-r2000-1", "unary-web-cpus0.5-c10-r2000-1",
                "unary-builtin-cpus0.5-c100-r500-1"
            ])
        #expect(plan.cells.map(\.id).suffix(2) == ["capacity-builtin-cpus1-c100-rsearch-1", "capacity-web-cpus1-c100-rsearch-1"])
        #expect(Set(plan.cells.map(\.id)).count == plan.cells.count)
        #expect(plan.cells.allSatisfy { cell in cell.id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." } })
        let first = plan.cells[0]
        #expect(first.scenario == "unary")
        #expect(first.limits == Limits(cpus: 0.5, memoryBytes: 512 << 20))
        #expect(first.rate == .perSecond(500))
        #expect(plan.cells[19].limits?.cpus == 1)
        #expect(plan.cells[19].rate == .search(SearchSettings(startPerSecond: 200, trialMilliseconds: 3_000, precision: 0.1)))
        #expect(first.label == "unary builtin cpus0.5 c10 500/s r1")
    }

    @Test func idsStayShortWithoutSweeps() throws {
        let plan = Planner.plan(try parse(minimalExample).get())
        #expect(plan.cells.map(\.id) == ["builtin-c10-r1"])
        #expect(plan.cells[0].scenario == nil)
        #expect(plan.cells[0].rate == .max)
    }

    @Test func validateListsCellsAndTheExpectedLength() throws {
        let text = Planner.describe(Planner.plan(try parse(sweepFile).get()))
        #expect(text.contains("Plan 'sweeps': 20 cells (2 systems × 2 cpus values × 2 scenarios), in run order."))
        #expect(
            text.contains(
                "Scenario unary: grpc, unary, payload 64 B, concurrency 1, rates 500/s, 2000/s (open loop, one cell each), slo p99 ≤ 50ms, errors ≤ 0.1%"
            ))
        #expect(
            text.contains(
                "Scenario capacity: grpc, unary, payload 64 B, concurrency 1, rate search from 200/s, trials of 3000 ms, precision 10 %, slo p999 ≤ 200ms, p50 ≤ 2ms"
            ))
        #expect(text.contains("CPU sweep: cpus 0.5, 1 (one cell each)"))
        #expect(text.contains("Decision: cores needed for 10000/s at the SLO"))
        #expect(
            text.contains(
                "Cell 1/20 unary-builtin-cpus0.5-c10-r500-1: scenario unary, system builtin (builtin server), cpus 0.5, 10 connections, rate 500/s, repeat 1"
            ))
        #expect(
            text.contains(
                "Cell 20/20 capacity-web-cpus1-c100-rsearch-1: scenario capacity, system web (container nginx), cpus 1, 100 connections, rate search, repeat 1"
            ))
        // 16 fixed cells of 2 + 2 + 10 s; 4 searches of 2 + 2 + 10 × (3 + 1 + 1) + 1 + 10 s: 484 s.
        #expect(text.contains("Expected length: about 8 min 04 s (4 capacity searches counted at 10 trials each;"))
    }

    @Test func expectedLengthOfAPlainPlan() throws {
        let text = Planner.describe(Planner.plan(try parse(minimalExample).get()))
        #expect(text.contains("Expected length: about 14 s\n"))
    }

    @Test func searchWithoutSLOIsAnError() {
        let text = sweep(replacing: 23, with: "      warmup: 1s")
        let found = only(text)
        #expect(found?.line == 21)
        #expect(found?.column == 13)
        #expect(found?.message == "rate: search needs an slo to search against, such as 'slo: { p99: 50ms }'")
    }

    @Test func searchSettingsWithoutSearchRateAreAnError() {
        let text = sweep(replacing: 21, with: "      rate: 100/s")
        let found = only(text)
        #expect(found.map { [$0.line, $0.column] } == [22, 7])
        #expect(found?.message == "search applies only to 'rate: search'")
    }

    @Test func duplicateScenarioNames() {
        let found = only(sweep(replacing: 17, with: "  - name: unary"))
        #expect(found.map { [$0.line, $0.column] } == [17, 11])
        #expect(found?.message == "duplicate scenario name 'unary' (first at 15:11)")
    }

    @Test func workloadAndScenariosTogether() {
        let text = sweepFile + "workload: { protocol: grpc, connections: 10 }\n"
        let found = only(text)
        #expect(found.map { [$0.line, $0.column] } == [25, 1])
        #expect(
            found?.message
                == "use either 'workload' (one workload) or 'scenarios' (several, named), not both (the other is at 14:1)")
    }

    @Test(
        arguments: [
            (
                16, "    workload: { protocol: grpc, connections: 10, rate: [500/s, 500/s] }", 16, 64,
                "duplicate rate 500/s (first at 16:57)"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, rate: [500/s, max] }", 16, 64,
                "rate must be a request rate such as '20000/s' here, found 'max'"
            ),
            (16, "    workload: { protocol: grpc, connections: 10, rate: [] }", 16, 56, "rate must list at least one rate"),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: { p98: 5ms } }", 16, 57,
                "unknown key 'p98' in slo; did you mean 'p90'?"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: {} }", 16, 55,
                "slo must set at least one bound: p50, p90, p95, p99, p999 or errors"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: { p99: 50 } }", 16, 62,
                "slo p99 must be a latency such as 500us, 50ms or 1s, found '50'"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: { errors: 0.1 } }", 16, 65,
                "slo errors must be a percentage such as '0.1%', found '0.1'"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: { errors: 101% } }", 16, 65,
                "slo errors 101% is out of range; at most 100%"
            ),
            (
                16, "    workload: { protocol: grpc, connections: 10, slo: { p99: 0ms } }", 16, 62,
                "slo p99 must be greater than 0, found 0ms"
            ),
            (22, "      search: { start: 0/s }", 22, 24, "search start must be greater than 0/s, found 0/s"),
            (22, "      search: { precision: 90% }", 22, 28, "search precision 90% is out of range; at most 50%"),
            (22, "      search: { trial: 3 }", 22, 24, "search trial must be a whole number of ms, s or m"),
            (22, "      search: { tiral: 3s }", 22, 17, "unknown key 'tiral' in search; did you mean 'trial'?"),
            (11, "  limits: { cpus: [1, 1] }", 11, 23, "duplicate cpus value 1 (first at 11:20)"),
            (11, "  limits: { cpus: [1, -2] }", 11, 23, "cpus must be a number of cores such as 1 or 0.5, found '-2'"),
            (11, "  limits: { cpus: [] }", 11, 19, "cpus must list at least one CPU count"),
            (
                24, "decision: { load: lots }", 24, 19,
                "decision load must be a total request rate such as '20000/s', found 'lots'"
            ),
            (24, "decision: { lod: 5/s }", 24, 13, "unknown key 'lod' in decision; did you mean 'load'?"),
            (15, "  - name: Unary", 15, 11, "bad scenario name 'Unary'"),
            (15, "  - nme: unary", 15, 5, "unknown key 'nme' in scenario 1; did you mean 'name'?")
        ] as [(Int, String, Int, Int, String)])
    func badValuesPointAtThemselves(line: Int, text: String, expectedLine: Int, column: Int, message: String) {
        let found = diagnostics(sweep(replacing: line, with: text))
        let match = found.first { $0.line == expectedLine && $0.column == column && $0.message.hasPrefix(message) }
        #expect(match != nil, "expected \(expectedLine):\(column) '\(message)'; got:\n\(TopologyErrors(diagnostics: found))")
    }

    @Test func tooManyCellsCountsEverySweep() {
        let counts = (1...20).map(String.init).joined(separator: ", ")
        let rates = (1...30).map { "\($0)/s" }.joined(separator: ", ")
        let text = sweep(replacing: 16, with: "    workload: { protocol: grpc, connections: [\(counts)], rate: [\(rates)] }")
        let found = diagnostics(text)
        #expect(
            found.contains {
                $0.line == 15 && $0.message.hasPrefix("this run would have 2404 cells (summed over 2 scenarios); at most 1000")
            },
            "got:\n\(TopologyErrors(diagnostics: found))")
    }
}
