import Foundation
import Testing

extension EndToEnd {
    /// Connection churn against the builtin server, both protocols, through `launch`: each
    /// connection retires after 20 calls (closed loop) or after 500 ms (open loop) and is
    /// replaced at once. What must hold: the replacements match the calls or the lifetimes, no
    /// call fails because of them, and their set-up time is measured.
    @Suite struct ChurnTests {
        @Test(arguments: ["tcp-echo", "grpc"])
        func connectionsRetireAfterTheirCallsOrLifetimeWithoutErrors(protocolName: String) throws {
            let folder = try Harness.scratch("churn-\(protocolName)")
            let file = try Harness.topology(
                """
                name: churn-\(protocolName)
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                scenarios:
                  - name: requests
                    workload: { protocol: \(protocolName), connections: 10, rate: max, warmup: 500ms, duration: 3s,
                                connection: { requests: 20 } }
                  - name: lifetime
                    workload: { protocol: \(protocolName), connections: 10, rate: 1000/s, warmup: 500ms, duration: 4s,
                                connection: { lifetime: 500ms } }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results], in: folder, timeout: 180)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("conn/s"), "the table shows churn: \(run.stdout)")
            let cells = Harness.cells(try Harness.summary(results))
            try #require(cells.count == 2)
            for cell in cells {
                let scenario = cell["scenario"] as? String ?? "?"
                let requests = cell["requests"] as? Int ?? 0
                let opened = cell["connections_opened"] as? Int ?? -1
                let connect = cell["connect_us"] as? [String: Any] ?? [:]
                #expect(cell["errors"] as? Int == 0, "\(protocolName) \(scenario): \(cell["errors_by_kind"] ?? "")")
                #expect((connect["p50"] as? Int ?? 0) > 0, "\(protocolName) \(scenario): connect_us \(connect)")
                #expect(
                    (connect["p50"] as? Int ?? 0) <= (connect["p99"] as? Int ?? 0)
                        && (connect["p99"] as? Int ?? 0) <= (connect["max"] as? Int ?? 0), "\(connect)")
                switch scenario {
                case "requests":
                    // Every connection serves 20 calls, so the window's calls ÷ 20 were opened.
                    let expected = Double(requests) / 20
                    #expect(requests > 200, "\(protocolName): \(requests) calls")
                    #expect(
                        abs(Double(opened) - expected) <= 0.2 * expected,
                        "\(protocolName): \(opened) opened for \(requests) calls")
                default:
                    // 10 connections living 500 ms each for 4 s: 80 replacements, give or take the
                    // set-up time and the window's edges.
                    #expect(opened >= 64 && opened <= 88, "\(protocolName): \(opened) opened, about 80 expected")
                    #expect(abs(Double(requests) - 4000) <= 400, "\(protocolName): \(requests) calls at 1000/s for 4 s")
                }
            }
        }
    }
}
