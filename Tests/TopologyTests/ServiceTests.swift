import ProtoSchema
import Testing

@testable import Topology

/// `workload.service`: read with every position kept, so the requests can be encoded later
/// and a bad one reported where it is written.
@Suite struct ServiceTests {
    /// The minimal file speaking gRPC without a payload, with `service` lines added to its
    /// workload (from line 14).
    private func withService(_ lines: String) -> String {
        minimal(replacingLine: 12, with: "  protocol: grpc")
            .replacingLine(13, with: "  connections: 10")
            .replacingLine(14, with: lines)
    }

    @Test func serviceIsReadWithItsPositions() throws {
        let text = withService(
            """
              service:
                proto: protos/ledger.proto
                import_paths: [protos/vendor]
                method: ledger.v1.Ledger/Post
                requests:
                  - { account: acme, amount: { units: "12", nanos: 5 }, urgent: true, memo: null, tags: [a, 1.5e3] }
                messages_per_stream: 4
            """)
        let service = try #require(try parse(text).get().workload.service)
        #expect(service.proto == "protos/ledger.proto")
        #expect(service.protoLocation.line == 15 && service.protoLocation.column == 12, "\(service.protoLocation)")
        #expect(service.importPaths == ["protos/vendor"])
        #expect(service.method == "ledger.v1.Ledger/Post")
        #expect(service.methodLocation.line == 17 && service.methodLocation.column == 13, "\(service.methodLocation)")
        #expect(service.messagesPerStream == 4)
        #expect(service.call == nil, "compiling is the loader's job")
        guard case .inline(let requests) = service.requests, case .object(let members, let at) = requests.first else {
            Issue.record("expected one inline object, got \(service.requests)")
            return
        }
        #expect(at.line == 19 && at.column == 9, "\(at)")
        #expect(members.map(\.key) == ["account", "amount", "urgent", "memo", "tags"])
        #expect(members[0].keyLocation.line == 19 && members[0].keyLocation.column == 11, "\(members[0].keyLocation)")
        guard case .object(let amount, _) = members[1].value, case .string("12", _) = amount[0].value,
            case .number("5", _) = amount[1].value, case .bool(true, _) = members[2].value, case .null = members[3].value,
            case .array(let tags, _) = members[4].value, case .string("a", _) = tags[0], case .number("1.5e3", _) = tags[1]
        else {
            Issue.record("scalars read wrong: \(members)")
            return
        }
    }

    @Test func thePlanNamesTheMethodNotABenchEchoPayload() throws {
        var topology = try parse(withService("  service: { proto: a.proto, method: shop.v2.Orders/Watch }")).get()
        var text = Planner.describe(Planner.plan(topology))
        #expect(text.contains("Workload: grpc, shop.v2.Orders/Watch, concurrency 1"), "\(text)")
        #expect(!text.contains("payload"), "\(text)")
        topology.scenarios[0].workload.service?.call = ServiceCall(
            path: "/shop.v2.Orders/Watch", kind: .serverStreaming, requests: [[], [8, 1]], messagesPerStream: 0)
        text = Planner.describe(Planner.plan(topology))
        #expect(text.contains("shop.v2.Orders/Watch (serverStreaming, 2 request messages)"), "\(text)")
    }

    @Test func withoutRequestsOneEmptyMessageIsSent() throws {
        let service = try #require(
            try parse(withService("  service: { proto: a.proto, method: a.B/C }")).get().workload.service)
        guard case .inline(let requests) = service.requests, requests.count == 1, case .object(let members, _) = requests[0]
        else {
            Issue.record("expected one empty object")
            return
        }
        #expect(members.isEmpty)
    }

    @Test func requestFileIsKeptAsWritten() throws {
        let service = try #require(
            try parse(withService("  service: { proto: a.proto, method: a.B/C, request_file: data/r.jsonl }")).get().workload
                .service)
        guard case .file("data/r.jsonl") = service.requests else {
            Issue.record("got \(service.requests)")
            return
        }
    }

    @Test(
        arguments: [
            ("  service: { proto: a.proto, method: Check }", 14, 38, "method must be package.Service/Method"),
            ("  service: { method: a.B/C }", 14, 12, "missing required key 'proto'"),
            (
                "  service: { proto: a.proto, method: a.B/C, requests: [], request_file: r }", 14, 59,
                "use either 'requests' or 'request_file', not both"
            ),
            ("  service: { proto: a.proto, method: a.B/C, requests: [1] }", 14, 56, "a request must be a mapping"),
            ("  service: { proto: a.proto, method: a.B/C, messages_per_stream: 0 }", 14, 66, "messages_per_stream"),
            ("  service: { proto: a.proto, method: a.B/C, mehtod: x }", 14, 45, "unknown key 'mehtod' in service"),
            ("  call: stream\n  service: { proto: a.proto, method: a.B/C }", 14, 3, "call applies to bench.Echo only")
        ] as [(String, Int, Int, String)])
    func badServicesAreReportedWhereTheyAre(line: String, expectedLine: Int, column: Int, message: String) {
        let found = diagnostics(withService(line))
        let match = found.first { $0.line == expectedLine && $0.column == column && $0.message.hasPrefix(message) }
        #expect(match != nil, "expected \(expectedLine):\(column) '\(message)'; got:\n\(TopologyErrors(diagnostics: found))")
    }

    @Test func jsonNumbersFollowJSONsGrammar() {
        for text in ["0", "-0", "12", "-12", "1.5", "1e3", "1.5E-3", "-0.25e+2"] {
            #expect(YAMLNode.isJSONNumber(text), "\(text)")
        }
        for text in ["", "-", "01", "1.", ".5", "1e", "0x1F", "1_000", "+1", ".inf", "NaN", "12a"] {
            #expect(!YAMLNode.isJSONNumber(text), "\(text)")
        }
    }
}
