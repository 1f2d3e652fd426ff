import Testing

@testable import Topology

/// Three namespace-like hosts for replicas and one for clients.
private let replicaFile = """
    name: replicas
    hosts:
      h1: { address: 10.0.0.1 }
      h2: { address: 10.0.0.2 }
      h3: { address: 10.0.0.3 }
      load: {}
    systems:
      - name: builtin
        container: builtin
      - name: web
        container: nginx
    server:
      hosts: [h1, h2, h3]
      replicas: [1, 2, 3]
    clients:
      - host: load
        workers: 2
    workload:
      protocol: grpc
      connections: 12

    """

/// The replica file with one line (1-based) replaced.
private func replicas(replacing line: Int, with text: String) -> String {
    replicaFile.replacingLine(line, with: text)
}

@Suite struct ReplicaTests {
    @Test func hostsAndReplicaSweepAreRead() throws {
        let topology = try parse(replicaFile).get()
        #expect(topology.server?.hosts == ["h1", "h2", "h3"])
        #expect(topology.server?.replicaSweep == [1, 2, 3])
        #expect(topology.server?.host == "h1")
    }

    @Test func eachReplicaCountIsACellOnTheFirstNHosts() throws {
        let plan = Planner.plan(try parse(replicaFile).get())
        #expect(
            plan.cells.map(\.id) == [
                "builtin-replicas1-c12-r1", "web-replicas1-c12-r1",
                "builtin-replicas2-c12-r1", "web-replicas2-c12-r1",
                "builtin-replicas3-c12-r1", "web-replicas3-c12-r1"
            ])
        #expect(plan.cells.map(\.replicas) == [1, 1, 2, 2, 3, 3])
        #expect(plan.cells[0].servers.map(\.name) == ["server"], "one replica keeps the node name results always had")
        #expect(plan.cells[0].servers.map(\.host.name) == ["h1"])
        #expect(plan.cells[4].servers.map(\.name) == ["server-1", "server-2", "server-3"])
        #expect(plan.cells[4].servers.map(\.host.address) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(plan.cells[4].label == "builtin replicas3 c12 r1")
    }

    @Test func hostsWithoutReplicasRunOneServerOnEachAndKeepTheIds() throws {
        let plan = Planner.plan(try parse(replicas(replacing: 14, with: "  port: 7000")).get())
        #expect(plan.cells.map(\.id) == ["builtin-c12-r1", "web-c12-r1"])
        #expect(plan.cells[0].servers.map(\.name) == ["server-1", "server-2", "server-3"])
        #expect(plan.cells[0].servers.map(\.port) == [7000, 7000, 7000])
    }

    @Test func oneHostStillWorksAsBefore() throws {
        let text = replicas(replacing: 13, with: "  host: h2").replacingOccurrences("  replicas: [1, 2, 3]\n", "")
        let plan = Planner.plan(try parse(text).get())
        #expect(plan.cells.map(\.id) == ["builtin-c12-r1", "web-c12-r1"])
        #expect(plan.cells[0].servers == [ServerProcess(name: "server", host: Host(name: "h2", address: "10.0.0.2"), port: 0)])
    }

    @Test func validatePrintsEveryReplica() throws {
        let text = Planner.describe(Planner.plan(try parse(replicaFile).get()))
        #expect(text.contains("Replica sweep: 1, 2, 3 servers on the first hosts of h1, h2, h3 (one cell each)"))
        #expect(text.contains("3 server replicas"))
        #expect(text.contains("server-3  role server  on h3  any free port"))
    }

    @Test func replicasBeyondTheHostsAreAnErrorAtTheValue() {
        let found = only(replicas(replacing: 14, with: "  replicas: [1, 4]"))
        #expect(found?.line == 14)
        #expect(found?.column == 17)
        #expect(found?.message == "replicas 4 is more than the 3 server hosts; list more under server.hosts")
    }

    @Test func replicasBelowOneAreAnError() {
        let found = only(replicas(replacing: 14, with: "  replicas: 0"))
        #expect(found?.line == 14 && found?.column == 13)
        #expect(found?.message == "replicas must be at least 1, found 0")
    }

    @Test func replicasWithOneHostCannotExceedIt() {
        let text = replicas(replacing: 13, with: "  host: h1").replacingOccurrences("replicas: [1, 2, 3]", "replicas: 2")
        let found = only(text)
        #expect(found?.line == 14 && found?.column == 13)
        #expect(found?.message == "replicas 2 is more than the 1 server host; list more under server.hosts")
    }

    @Test func unreadableAndDuplicateReplicaCounts() {
        #expect(
            only(replicas(replacing: 14, with: "  replicas: [2, two]"))?.message
                == "replicas must be a whole number of server replicas such as 2, found 'two'")
        let duplicate = only(replicas(replacing: 14, with: "  replicas: [2, 2]"))
        #expect(duplicate?.message == "duplicate replicas value 2 (first at 14:14)")
        #expect(duplicate?.column == 17)
    }

    @Test func unknownServerHostIsNamedWithItsPosition() {
        let found = only(replicas(replacing: 13, with: "  hosts: [h1, h4, h3]"))
        #expect(found?.line == 13 && found?.column == 15)
        #expect(found?.message.hasPrefix("unknown host 'h4' in server hosts; did you mean 'h1'?") == true)
    }

    @Test func aHostListedTwiceIsAnError() {
        let found = only(replicas(replacing: 13, with: "  hosts: [h1, h2, h1]"))
        #expect(found?.line == 13 && found?.column == 19)
        #expect(
            found?.message == "host 'h1' is listed twice in server hosts (first at 13:11); each replica runs on a host of its own"
        )
    }

    @Test func hostAndHostsTogetherAreAnError() {
        let text = replicas(replacing: 14, with: "  host: h1")
        let found = only(text)
        #expect(found?.line == 13 && found?.column == 3)
        #expect(found?.message == "server has both 'host' and 'hosts'; give one ('hosts' for several replicas)")
    }

    @Test func anEmptyHostListIsAnError() {
        let found = only(replicas(replacing: 13, with: "  hosts: []"))
        #expect(found?.message == "server hosts must list at least one host")
    }

    @Test func replicaCountsMultiplyTheCellCount() {
        let text = replicaFile.replacingOccurrences("  connections: 12", "  connections: [12, 24]\n  repeat: 100")
        #expect(
            only(text)?.message == "this run would have 1200 cells (2 systems × 3 replica counts × 1 cpus × "
                + "2 connection counts × 1 rates × 100 repeats); at most 1000")
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
