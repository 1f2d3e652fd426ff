import Testing

@testable import Topology

/// `connection:` (churn) and `pause:` in a workload: read into the model, or refused at their
/// FILE:LINE:COLUMN.
@Suite struct ChurnSettingsTests {
    /// The minimal file with `extra` lines appended to its workload.
    static func workload(_ extra: String) -> String {
        minimal(replacingLine: 14, with: "  connections: 10\n" + extra)
    }

    static func workloadOf(_ text: String) throws -> Workload {
        guard case .success(let topology) = parse(text) else {
            Issue.record("expected a valid file: \(parse(text))")
            throw CancellationError()
        }
        return try #require(topology.scenarios.first?.workload)
    }

    @Test func defaultsAreNoChurnAndTenMillisecondPauses() throws {
        let workload = try Self.workloadOf(minimalExample)
        #expect(workload.connectionLifetime == nil)
        #expect(workload.pauseMilliseconds == 10)
    }

    @Test func readsALifetimeARequestCountAndAPause() throws {
        #expect(
            try Self.workloadOf(Self.workload("  connection: { lifetime: 500ms }")).connectionLifetime
                == .lifetime(milliseconds: 500))
        #expect(try Self.workloadOf(Self.workload("  connection: { requests: 20 }")).connectionLifetime == .requests(20))
        #expect(try Self.workloadOf(Self.workload("  pause: 40ms")).pauseMilliseconds == 40)
    }

    @Test func validateSaysTheConnectionsAreReplacedAndTheThreshold() throws {
        let text = Planner.describe(
            Planner.plan(try parse(Self.workload("  connection: { requests: 100 }\n  pause: 40ms")).get()))
        #expect(text.contains("each connection replaced after its 100 requests, pauses from 40 ms"), "\(text)")
        #expect(!Planner.describe(Planner.plan(try parse(minimalExample).get())).contains("replaced"))
    }

    @Test(arguments: [
        ("  connection: { lifetime: 1s, requests: 5 }", 15, 31, "connection takes either lifetime or requests, not both"),
        ("  connection: {}", 15, 15, "connection needs 'lifetime' (such as '1s') or 'requests' (such as 100)"),
        ("  connection: { lifetime: 0s }", 15, 27, "connection lifetime must be greater than 0"),
        ("  connection: { requests: 0 }", 15, 27, "connection requests must be at least 1, found 0"),
        ("  connection: { lifetme: 1s }", 15, 17, "unknown key 'lifetme' in connection; did you mean 'lifetime'?"),
        ("  connection: 1s", 15, 15, "connection must be a mapping"),
        ("  pause: 0ms", 15, 10, "pause must be greater than 0"),
        ("  pause: 2m", 15, 10, "pause must be between 1ms and 60s, found 2m")
    ])
    func refusesBadSettingsWhereTheyAre(_ line: String, _ row: Int, _ column: Int, _ message: String) {
        let diagnostic = only(Self.workload(line))
        #expect(diagnostic?.line == row && diagnostic?.column == column, "\(String(describing: diagnostic))")
        #expect(diagnostic?.message.hasPrefix(message) == true, "\(diagnostic?.message ?? "none")")
    }
}
