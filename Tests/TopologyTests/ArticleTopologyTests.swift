import Foundation
import Testing

@testable import Topology

/// `Topologies/article.yaml`, the article's whole experiment, stays valid and says what the
/// README says it does.
@Suite struct ArticleTopologyTests {
    static let path: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Topologies/article.yaml"
    }()

    @Test func articleValidatesIntoItsSweeps() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let topology = try TopologyParser.parse(
            text: text, file: "article.yaml",
            knownContainers: ["grpc-go", "grpc-python", "python-echo"]
        ).get()
        #expect(topology.systems.map(\.name) == ["builtin", "grpc-go", "grpc-python"])
        #expect(topology.server?.cpuSweep == [0.5, 1, 2])
        #expect(topology.server?.limits?.memoryBytes == 512 << 20)
        #expect(topology.scenarios.map(\.name) == ["unary-scaling", "stream", "latency", "capacity", "churn-capacity"])
        #expect(topology.scenarios[0].workload.connections == [100, 1_000, 10_000])
        // Bidi on bench.Echo/Stream, 10 messages a stream: both messages/s and streams/s.
        #expect(topology.scenarios[1].workload.service?.method == "bench.Echo/Stream")
        #expect(topology.scenarios[1].workload.service?.messagesPerStream == 10)
        #expect(topology.scenarios[2].workload.rates == .single(.perSecond(1_000)))
        #expect(topology.scenarios[2].workload.slo?.bounds.count == 4)
        guard case .search = topology.scenarios[3].workload.rates else {
            Issue.record("the capacity scenario must search")
            return
        }
        #expect(topology.scenarios[3].workload.slo?.bounds.first == .latency(.p99, maximumMicroseconds: 50_000))
        #expect(topology.scenarios[4].workload.connectionLifetime == .lifetime(milliseconds: 1_000))
        #expect(topology.scenarios.allSatisfy { $0.workload.pauseMilliseconds == 10 })
        #expect(topology.decision == Decision(loadPerSecond: 10_000))
        let plan = Planner.plan(topology)
        #expect(plan.cells.count == 63)
        #expect(plan.cells.contains { $0.id == "churn-capacity-builtin-cpus0.5-c1000-rsearch-1" })
        #expect(plan.cells.contains { $0.id == "capacity-grpc-go-cpus1-c1000-rsearch-1" })
        #expect(plan.cells.contains { $0.id == "unary-scaling-grpc-python-cpus0.5-c10000-r1" })
    }
}
