import Testing

@testable import Topology

/// `systems: - { name, target: HOST:PORT }`: a server already running, which Barrage loads but
/// does not start.
@Suite struct ExternalTargetTests {
    /// A file whose systems are given as `systems` lines (from line 4), with `server` lines after.
    private func file(systems: String, server: String = "", clients: String = "  - host: local") -> String {
        """
        name: ext
        hosts:
          local:
          far: { ssh: bench@10.0.0.11 }
        systems:
        \(systems)
        \(server)
        clients:
        \(clients)
        workload:
          protocol: grpc
          connections: [10, 20]
          repeat: 2

        """
    }

    @Test func anAllExternalTopologyNeedsNoServer() throws {
        let topology = try parse(file(systems: "  - { name: staging, target: \"127.0.0.1:50051\" }")).get()
        #expect(topology.server == nil)
        #expect(topology.systems == [System(name: "staging", target: ServerEndpoint(host: "127.0.0.1", port: 50051))])
        let plan = Planner.plan(topology)
        #expect(plan.cells.map(\.id) == ["staging-c10-r1", "staging-c10-r2", "staging-c20-r1", "staging-c20-r2"])
        for cell in plan.cells {
            #expect(cell.servers.isEmpty, "Barrage starts no server for an external target")
            #expect(cell.target == ServerEndpoint(host: "127.0.0.1", port: 50051))
            #expect(cell.limits == nil && cell.cpus == nil && cell.replicas == 1)
        }
        let text = Planner.describe(plan)
        #expect(text.contains("external target 127.0.0.1:50051: already running, Barrage starts nothing"), "\(text)")
        #expect(!text.contains("role server"), "\(text)")
    }

    @Test func addressesOfEveryShapeRead() throws {
        #expect(try ServerEndpoint.parse("localhost:1").get() == ServerEndpoint(host: "localhost", port: 1))
        #expect(try ServerEndpoint.parse("[::1]:443").get() == ServerEndpoint(host: "::1", port: 443))
        #expect(try ServerEndpoint.parse("[fe80::1:2]:65535").get() == ServerEndpoint(host: "fe80::1:2", port: 65535))
        #expect(try ServerEndpoint.parse("[::ffff:10.0.0.5]:80").get().host == "::ffff:10.0.0.5")
        #expect(try ServerEndpoint.parse("10.0.0.5:8443").get().description == "10.0.0.5:8443")
        #expect(ServerEndpoint(host: "::1", port: 5).description == "[::1]:5")
        #expect(ServerEndpoint.parse("::1:443") == .failure(.bracketsNeeded))
        #expect(ServerEndpoint.parse("staging.internal:443") == .failure(.notNumeric("staging.internal")))
        #expect(ServerEndpoint.parse("10.0.0.256:1") == .failure(.notNumeric("10.0.0.256")))
        #expect(ServerEndpoint.parse("010.0.0.1:1") == .failure(.notNumeric("010.0.0.1")))
        #expect(ServerEndpoint.parse("[1:2:3:4:5:6:7:8:9]:1") == .failure(.notNumeric("1:2:3:4:5:6:7:8:9")))
        #expect(ServerEndpoint.parse("[1::2::3]:1") == .failure(.notNumeric("1::2::3")))
        #expect(ServerEndpoint.parse("127.0.0.1:0") == .failure(.port(0, 1...65_535)))
        #expect(ServerEndpoint.parse("127.0.0.1:65536") == .failure(.port(65536, 1...65_535)))
        for shape in ["127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:8x", "[]:80", "[::1:80", "127.0.0.1:+80"] {
            #expect(ServerEndpoint.parse(shape) == .failure(.shape), "\(shape)")
        }
    }

    @Test func aBadAddressIsReportedWhereItIsWritten() throws {
        let found = try #require(only(file(systems: "  - { name: staging, target: \"db.internal:5\" }")))
        #expect(found.line == 6 && found.column == 30, "\(found)")
        #expect(found.message.contains("target 'db.internal:5' host 'db.internal' is not a numeric address"), "\(found)")
        let port = try #require(only(file(systems: "  - { name: staging, target: \"127.0.0.1:99999\" }")))
        #expect(port.message == "target '127.0.0.1:99999' port 99999 is outside 1...65535", "\(port)")
    }

    @Test func targetTogetherWithARecipeFieldIsAnError() throws {
        let both = try #require(
            only(file(systems: "  - { name: a, container: builtin, target: \"127.0.0.1:5\" }", server: "server: { host: local }"))
        )
        #expect(both.line == 6 && both.column == 36, "\(both)")
        #expect(both.message.hasPrefix("system has both 'container' and 'target'"), "\(both)")
        let env = try #require(only(file(systems: "  - { name: a, target: \"127.0.0.1:5\", env: { A: b } }")))
        #expect(env.column == 39 && env.message.hasPrefix("env is passed to a server Barrage starts"), "\(env)")
        let neither = try #require(only(file(systems: "  - { name: a }", server: "server: { host: local }")))
        #expect(neither.message.contains("missing required key 'container' in system 1"), "\(neither)")
        #expect(neither.message.contains("'target': HOST:PORT"), "\(neither)")
    }

    @Test func aServerSectionWithOnlyExternalSystemsIsAnError() throws {
        let found = try #require(
            only(
                file(systems: "  - { name: a, target: \"127.0.0.1:5\" }", server: "server: { host: local, limits: { cpus: 1 } }"))
        )
        #expect(found.line == 7 && found.column == 1, "\(found)")
        #expect(found.message.contains("'server' has nothing to place or limit"), "\(found)")
    }

    @Test func aMixedTopologyKeepsServerForItsRecipes() throws {
        let missing = try #require(
            only(file(systems: "  - { name: a, target: \"127.0.0.1:5\" }\n  - { name: b, container: builtin }")))
        #expect(missing.message.hasPrefix("missing required key 'server'"), "\(missing)")

        let topology = try parse(
            file(
                systems: "  - { name: staging, target: \"127.0.0.1:5\" }\n  - { name: b, container: builtin }",
                server: "server: { host: local, limits: { cpus: [1, 2] } }")
        ).get()
        let plan = Planner.plan(topology)
        // The external system runs once per connections and repeat, not once per cpus value.
        #expect(
            plan.cells.map(\.id) == [
                "staging-c10-r1", "b-cpus1-c10-r1", "staging-c10-r2", "b-cpus1-c10-r2",
                "staging-c20-r1", "b-cpus1-c20-r1", "staging-c20-r2", "b-cpus1-c20-r2",
                "b-cpus2-c10-r1", "b-cpus2-c10-r2", "b-cpus2-c20-r1", "b-cpus2-c20-r2"
            ])
        let external = plan.cells.filter { $0.system.isExternal }
        #expect(external.allSatisfy { $0.servers.isEmpty && $0.limits == nil })
        #expect(plan.cells.filter { !$0.system.isExternal }.allSatisfy { $0.servers.count == 1 && $0.cpus != nil })
        #expect(plan.notes.contains { $0.hasPrefix("system staging is an external target: it runs once per") }, "\(plan.notes)")
    }

    @Test func aLoopbackTargetIsOutOfReachOfClientsOnSSHHosts() throws {
        let found = try #require(
            only(file(systems: "  - { name: a, target: \"127.0.0.1:5\" }", clients: "  - host: far")))
        #expect(found.line == 6 && found.column == 24, "\(found)")
        #expect(found.message.contains("clients on ssh host 'far' would reach their own machine"), "\(found)")
        #expect((try? parse(file(systems: "  - { name: a, target: \"10.0.0.5:5\" }", clients: "  - host: far")).get()) != nil)
    }
}
