import TLSSettings
import Testing

@testable import Topology

/// `workload.tls`: `true`, `false`, a sweep `[false, true]` (its cells named `-tls-` /
/// `-plain-`), and the files of external targets; every bad value at its line and column.
@Suite struct TLSSettingTests {
    /// The minimal file speaking gRPC with two systems, with `extra` lines added to its workload.
    private func grpc(_ extra: String, protocolName: String = "grpc") -> String {
        minimal(replacingLine: 12, with: "  protocol: \(protocolName)")
            .replacingLine(14, with: "  connections: [10, 100]\n" + extra)
            .replacingLine(6, with: "    container: builtin\n  - name: web\n    container: nginx")
    }

    @Test func noTLSIsPlainAndKeepsTheIds() throws {
        let topology = try parse(grpc("")).get()
        #expect(topology.workload.tls == .plain)
        let plan = Planner.plan(topology)
        #expect(plan.cells.map(\.id) == ["builtin-c10-r1", "web-c10-r1", "builtin-c100-r1", "web-c100-r1"])
        #expect(plan.cells.allSatisfy { !$0.tls })
    }

    @Test func trueMakesEveryCellTLSWithoutRenamingIt() throws {
        let topology = try parse(grpc("  tls: true")).get()
        #expect(topology.workload.tls == .issued)
        let plan = Planner.plan(topology)
        #expect(plan.cells.map(\.id) == ["builtin-c10-r1", "web-c10-r1", "builtin-c100-r1", "web-c100-r1"])
        #expect(plan.cells.allSatisfy { $0.tls })
        #expect(plan.cells[0].label == "builtin tls c10 r1")
        #expect(Planner.describe(plan).contains("h2 over TLS"))
        #expect(try parse(grpc("  tls: false")).get().workload.tls == .plain)
    }

    @Test func aSweepNamesTLSInEachCellIdInFileOrder() throws {
        let topology = try parse(grpc("  tls: [false, true]")).get()
        #expect(topology.workload.tls == .sweep([false, true]))
        let plan = Planner.plan(topology)
        #expect(
            plan.cells.map(\.id) == [
                "builtin-plain-c10-r1", "web-plain-c10-r1", "builtin-plain-c100-r1", "web-plain-c100-r1",
                "builtin-tls-c10-r1", "web-tls-c10-r1", "builtin-tls-c100-r1", "web-tls-c100-r1"
            ])
        #expect(plan.cells.map(\.tls) == [false, false, false, false, true, true, true, true])
        #expect(plan.cells[0].label == "builtin plain c10 r1")
        let reversed = Planner.plan(try parse(grpc("  tls: [true, false]")).get())
        #expect(reversed.cells.first?.id == "builtin-tls-c10-r1")
    }

    @Test func aSweepTakesItsPlaceAmongTheOtherSweptValues() throws {
        let text = grpc("  tls: [false, true]\n  rate: [100/s, 200/s]")
            .replacingLine(10, with: "  host: local\n  limits: { cpus: [1, 2] }")
        let ids = Planner.plan(try parse(text).get()).cells.map(\.id)
        #expect(ids.count == 2 * 2 * 2 * 2 * 2)
        #expect(ids.first == "builtin-cpus1-plain-c10-r100-1")
        #expect(ids.contains("web-cpus2-tls-c100-r200-1"))
        #expect(Set(ids).count == ids.count)
    }

    @Test func theFilesOfExternalTargetsAreReadAsWritten() throws {
        let text = grpc("  tls: { ca: certs/ca.pem, server_name: ledger.test, cert: certs/c.pem, key: certs/c.key }")
        let tls = try parse(text).get().workload.tls
        #expect(
            tls.clientFiles
                == TLSClientSettings(
                    caFile: "certs/ca.pem", serverName: "ledger.test", certFile: "certs/c.pem", keyFile: "certs/c.key"))
        #expect(tls.cellValues == [true])
        #expect(!tls.isSwept)
        guard case .files(_, let locations) = tls else {
            Issue.record("expected files, got \(tls)")
            return
        }
        #expect(locations["ca"]?.line == 17 && locations["ca"]?.column == 14)
        #expect(locations["key"] != nil)
        let serverNameOnly = try parse(grpc("  tls: { server_name: ledger.test }")).get().workload.tls
        #expect(serverNameOnly.clientFiles == TLSClientSettings(serverName: "ledger.test"))
    }

    @Test(
        arguments: [
            ("  tls: yes", 17, 8, "unknown tls 'yes'; use true or false"),
            ("  tls: []", 17, 8, "tls must list at least one value (true or false)"),
            ("  tls: [false, true, false]", 17, 8, "tls lists 3 entries; at most 2"),
            ("  tls: [true, true]", 17, 15, "duplicate tls value true (first at 17:9)"),
            ("  tls: [true, on]", 17, 15, "unknown tls 'on'; use true or false"),
            ("  tls: { ca: certs/ca.pem, cert: c.pem }", 17, 28, "tls cert needs its private key"),
            ("  tls: { key: c.key }", 17, 10, "tls key needs its certificate"),
            ("  tls: { ca: a.pem, sni: x }", 17, 21, "unknown key 'sni' in tls"),
            ("  tls: { server_name: \"two words\" }", 17, 23, "tls server_name must be non-empty text without spaces"),
            ("  tls: { ca: [a] }", 17, 14, "tls ca must be a single value")
        ] as [(String, Int, Int, String)])
    func badValuesAreReportedWhereTheyAre(line: String, expectedLine: Int, column: Int, message: String) {
        let found = diagnostics(grpc(line))
        let match = found.first { $0.line == expectedLine && $0.column == column && $0.message.hasPrefix(message) }
        #expect(match != nil, "expected \(expectedLine):\(column) '\(message)'; got:\n\(TopologyErrors(diagnostics: found))")
    }

    @Test func tcpEchoHasNoTLS() {
        let found = diagnostics(grpc("  tls: true", protocolName: "tcp-echo"))
        #expect(found.map(\.message) == ["tls only applies to protocol grpc (h2 over TLS with ALPN h2)"])
        #expect(found.first?.line == 17 && found.first?.column == 3)
        // Saying plaintext is no mistake.
        #expect((try? parse(grpc("  tls: false", protocolName: "tcp-echo")).get()) != nil)
    }

    @Test func theCellCountCountsTheTLSValues() {
        let text = grpc("  tls: [false, true]\n  repeat: 100")
            .replacingLine(10, with: "  host: local\n  limits: { cpus: [1, 2, 3] }")
        let found = diagnostics(text)
        #expect(found.contains { $0.message.contains("this run would have 2400 cells") && $0.message.contains("2 tls values") })
    }
}
