import Testing
import Topology
import Wire

@testable import WorkerCore

private func setup(
    connections: Int, threads: Int, targets: [ServerEndpoint], rate: Double? = nil, call: Call = .unary,
    protocolKind: WorkloadProtocol = .grpc
) -> ClientSetup {
    ClientSetup(
        node: "client-1", host: "local", targets: targets, protocolKind: protocolKind, call: call, payloadBytes: 32,
        connections: connections, concurrency: 1, threads: threads, ratePerSecond: rate, requestTimeoutMs: 2_000,
        connectTimeoutMs: 2_000)
}

/// The client worker's plan: each thread's connections, rate and targets, decided once.
@Suite struct ClientPlanTests {
    let replicas = (0..<3).map { ServerEndpoint(host: "10.0.0.\($0 + 1)", port: 8000) }

    /// Connection `j` of a part goes to `part.targets[j % count]` (LoadGenerator's round-robin).
    func targetsOfEveryConnection(_ parts: [ConnectionSplit.Part<ServerEndpoint>]) -> [ServerEndpoint] {
        parts.flatMap { part in (0..<part.connections).map { part.targets[$0 % part.targets.count] } }
    }

    @Test(arguments: [(10, 3), (7, 7), (2, 4), (1, 1), (100, 6)])
    func theThreadsShareTheConnectionsAndTheRateExactly(connections: Int, threads: Int) {
        let plan = ClientPlan(setup(connections: connections, threads: threads, targets: replicas, rate: 1000.1))
        #expect(plan.threads.count == threads)
        #expect(plan.threads.map(\.connections).reduce(0, +) == connections)
        #expect(plan.threads.map { $0.ratePerSecond ?? 0 }.reduce(0, +) == 1000.1)
        for part in plan.threads { #expect((part.ratePerSecond == nil) == (part.connections == 0)) }
        #expect(
            plan.threads.map(\.firstConnection)
                == plan.threads.indices.map { plan.threads[..<$0].map(\.connections).reduce(0, +) })
    }

    @Test func closedLoopGivesNoThreadARate() {
        let plan = ClientPlan(setup(connections: 5, threads: 2, targets: replicas))
        #expect(plan.threads.allSatisfy { $0.ratePerSecond == nil })
    }

    /// The cell's split over workers and each worker's over its threads are one rotation: the
    /// cell's connections, numbered over every worker and thread, take the replicas in turn.
    @Test(arguments: [[4, 3, 3], [5, 5], [1, 2, 7], [11]])
    func cellAndThreadSplitsTakeTheReplicasInTurn(workers: [Int]) {
        let cell = ConnectionSplit.parts(connections: workers, ratePerSecond: nil, targets: replicas)
        var every: [ServerEndpoint] = []
        for part in cell {
            let plan = ClientPlan(setup(connections: part.connections, threads: 3, targets: part.targets))
            every += targetsOfEveryConnection(plan.threads)
        }
        #expect(every == (0..<workers.reduce(0, +)).map { replicas[$0 % replicas.count] })
    }

    @Test func streamsCountMessages() {
        #expect(!ClientPlan(setup(connections: 1, threads: 1, targets: replicas)).countsMessages)
        #expect(ClientPlan(setup(connections: 1, threads: 1, targets: replicas, call: .stream)).countsMessages)
        #expect(
            !ClientPlan(setup(connections: 1, threads: 1, targets: replicas, call: .stream, protocolKind: .tcpEcho))
                .countsMessages)
    }

    @Test func theTestStallIsAShorterStallThanItsPeriod() {
        #expect(ClientPlan.testStall("150ms/1s")! == (150_000_000, 1_000_000_000))
        #expect(ClientPlan.testStall("1s/1s") == nil)
        #expect(ClientPlan.testStall("150ms") == nil)
        #expect(ClientPlan.testStall("x/1s") == nil)
    }
}
