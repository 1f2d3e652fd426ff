import Testing

@testable import Topology

@Suite struct PlannerTests {
    private func topology(
        systems: [String] = ["builtin"], groups: [ClientGroup], connections: [Int],
        repeatCount: Int = 1
    ) -> Topology {
        Topology(
            name: "plan",
            hosts: [
                Host(name: "local"),
                Host(name: "lg-1", ssh: SSHTarget(user: "bench", host: "10.0.0.11"), address: "10.0.0.11")
            ],
            systems: systems.map { System(name: $0, container: $0 == "builtin" ? "builtin" : "nginx") },
            server: ServerSpec(host: "local", port: 9000),
            clients: groups,
            workload: Workload(
                protocolKind: .grpc, payloadBytes: 64, connections: connections,
                repeatCount: repeatCount))
    }

    @Test func unevenSplitGivesTheFirstWorkersOneMoreAndSaysSo() {
        let plan = Planner.plan(topology(groups: [ClientGroup(host: "local", workers: 3)], connections: [100]))
        #expect(plan.cells.count == 1)
        #expect(plan.cells[0].clients.map(\.connections) == [34, 33, 33])
        #expect(plan.notes == ["connections 100 over 3 client workers: 34, 33, 33"])
    }

    @Test func evenSplitHasNoNote() {
        let plan = Planner.plan(topology(groups: [ClientGroup(host: "local", workers: 4)], connections: [100]))
        #expect(plan.cells[0].clients.map(\.connections) == [25, 25, 25, 25])
        #expect(plan.notes.isEmpty)
    }

    @Test func splitSpansAllGroupsAndNumbersClientsAcrossThem() {
        let plan = Planner.plan(
            topology(
                groups: [
                    ClientGroup(host: "lg-1", workers: 2, threads: 4),
                    ClientGroup(host: "local", workers: 1, threads: 2)
                ],
                connections: [10]))
        let clients = plan.cells[0].clients
        #expect(clients.map(\.name) == ["client-1", "client-2", "client-3"])
        #expect(clients.map(\.host.name) == ["lg-1", "lg-1", "local"])
        #expect(clients.map(\.connections) == [4, 3, 3])
        #expect(clients.map(\.threads) == [4, 4, 2])
        #expect(clients[0].host.ssh?.user == "bench")
        #expect(plan.cells[0].servers == [ServerProcess(host: Host(name: "local"), port: 9000)])
    }

    @Test func manyWorkersGetASummarisedNote() {
        let plan = Planner.plan(topology(groups: [ClientGroup(host: "local", workers: 20)], connections: [25]))
        #expect(plan.notes == ["connections 25 over 20 client workers: the first 5 get 2, the other 15 get 1"])
    }

    @Test func cellsRunConnectionsThenRepeatsThenSystemsWithUniqueIds() {
        let plan = Planner.plan(
            topology(
                systems: ["builtin", "nginx"], groups: [ClientGroup(host: "local")],
                connections: [10, 20], repeatCount: 2))
        #expect(
            plan.cells.map(\.id) == [
                "builtin-c10-r1", "nginx-c10-r1", "builtin-c10-r2", "nginx-c10-r2",
                "builtin-c20-r1", "nginx-c20-r1", "builtin-c20-r2", "nginx-c20-r2"
            ])
        #expect(plan.cells.map(\.index) == Array(0..<8))
        #expect(plan.cells.map(\.repeatIndex) == [1, 1, 2, 2, 1, 1, 2, 2])
        #expect(plan.cells.map(\.connections) == [10, 10, 10, 10, 20, 20, 20, 20])
        #expect(
            plan.cells.map(\.system.name) == [
                "builtin", "nginx", "builtin", "nginx",
                "builtin", "nginx", "builtin", "nginx"
            ])
        #expect(Set(plan.cells.map(\.id)).count == plan.cells.count)
    }

    @Test func describeNamesHostsRolesAndShares() throws {
        let parsed = try parse(
            """
            name: demo
            hosts:
              local: { address: 10.0.0.1 }
              loadgen-1: { ssh: bench@10.0.0.11, address: 10.0.0.11 }
            systems:
              - { name: builtin, container: builtin }
              - { name: web, container: nginx }
            server: { host: local, port: 7000 }
            clients:
              - { host: loadgen-1, workers: 2, threads: 3 }
              - { host: local }
            workload: { protocol: grpc, payload: 64B, connections: 100 }
            """
        ).get()
        let plan = Planner.plan(parsed)
        let text = Planner.describe(plan)
        #expect(text.contains("Plan 'demo': 2 cells (2 systems × 1 connection count × 1 repeat)"))
        #expect(text.contains("loadgen-1  ssh bench@10.0.0.11:22, address 10.0.0.11"))
        #expect(text.contains("local      local (this machine)"))
        #expect(text.contains("Cell 1/2 builtin-c100-r1: system builtin (builtin server)"))
        #expect(text.contains("Cell 2/2 web-c100-r1: system web (container nginx)"))
        #expect(text.contains("server    role server  on local  port 7000"))
        #expect(text.contains("client-1  role client  on loadgen-1  34 connections, 3 threads"))
        #expect(text.contains("client-2  role client  on loadgen-1  33 connections, 3 threads"))
        #expect(text.contains("client-3  role client  on local  33 connections, 1 thread"))
        #expect(text.contains("Notes:\n  - connections 100 over 3 client workers: 34, 33, 33"))
    }

    @Test func handBuiltTopologyWithUnknownHostsOrTooFewConnectionsStillPlans() {
        var broken = topology(groups: [ClientGroup(host: "ghost", workers: 3)], connections: [2])
        broken.server?.host = "nowhere"
        let plan = Planner.plan(broken)
        #expect(plan.cells[0].servers.map(\.host) == [Host(name: "nowhere")])
        #expect(plan.cells[0].clients.map(\.connections) == [1, 1, 0])
        #expect(plan.notes.contains { $0.contains("fewer than the 3 client workers") })
    }
}
