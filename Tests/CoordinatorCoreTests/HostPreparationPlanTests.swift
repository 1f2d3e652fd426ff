import Testing
import Topology

@testable import CoordinatorCore

/// Which ssh hosts preparation reaches, which get the recipes and where limits are checked:
/// decided from the plan alone, before any ssh starts.
@Suite struct HostPreparationPlanTests {
    static let hosts = [
        Host(name: "local"),
        Host(name: "h1", ssh: SSHTarget(user: "u", host: "10.0.0.1", port: 22)),
        Host(name: "h2", ssh: SSHTarget(user: "u", host: "10.0.0.2", port: 22)),
        Host(name: "idle", ssh: SSHTarget(user: "u", host: "10.0.0.9", port: 22))
    ]

    static func plan(server: String, clients: [String], systems: [System], limits: Limits? = nil) -> Plan {
        let topology = Topology(
            name: "t", hosts: hosts, systems: systems,
            server: ServerSpec(hosts: [server], limits: limits),
            clients: clients.map { ClientGroup(host: $0) },
            workload: Workload(protocolKind: .grpc, payloadBytes: 64, connections: [clients.count]))
        return Planner.plan(topology)
    }

    static let recipeSystems = [
        System(name: "go", container: "grpc-go"), System(name: "py", container: "grpc-python"),
        System(name: "builtin", container: "builtin")
    ]

    @Test func onlySSHHostsSomeCellUsesArePrepared() {
        let work = HostPreparationPlan(plan: Self.plan(server: "h1", clients: ["h2", "local"], systems: Self.recipeSystems))
        #expect(work.hosts.map(\.host.name) == ["h1", "h2"])
        #expect(work.hosts.map(\.servesReplicas) == [true, false])
    }

    @Test func recipesGoOnlyToServerHostsAndOnlyThoseBarrageBuilds() {
        let remote = HostPreparationPlan(plan: Self.plan(server: "h1", clients: ["h2"], systems: Self.recipeSystems))
        #expect(remote.recipes == ["grpc-go", "grpc-python"])
        // A local server: the ssh hosts only run clients, no recipe is packed.
        let local = HostPreparationPlan(plan: Self.plan(server: "local", clients: ["h2"], systems: Self.recipeSystems))
        #expect(local.hosts.map(\.host.name) == ["h2"])
        #expect(local.recipes.isEmpty)
    }

    @Test func limitsAreCheckedOnTheServerHostOnly() {
        let limits = Limits(cpus: 1)
        let work = HostPreparationPlan(
            plan: Self.plan(server: "h1", clients: ["h2"], systems: Self.recipeSystems, limits: limits))
        #expect(work.hosts.map(\.limitsToCheck) == [limits, nil])
        let none = HostPreparationPlan(
            plan: Self.plan(server: "h1", clients: ["h2"], systems: Self.recipeSystems, limits: Limits()))
        #expect(none.hosts.map(\.limitsToCheck) == [nil, nil], "empty limits need no check")
    }

    @Test func aLocalRunPreparesNothing() {
        let work = HostPreparationPlan(plan: Self.plan(server: "local", clients: ["local"], systems: Self.recipeSystems))
        #expect(work.hosts.isEmpty)
        #expect(work.recipes.isEmpty)
    }
}
