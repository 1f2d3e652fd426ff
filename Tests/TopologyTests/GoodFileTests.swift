import Testing

@testable import Topology

@Suite struct GoodFileTests {
    @Test func fullExampleParsesIntoTheExactModel() throws {
        let topology = try parse(fullExample).get()
        let expected = Topology(
            name: "quick-local",
            hosts: [
                Host(name: "local"),
                Host(
                    name: "loadgen-1", ssh: SSHTarget(user: "bench", host: "10.0.0.11", port: 22),
                    identity: "~/.ssh/bench", knownHosts: "~/.ssh/known_hosts", address: "10.0.0.11")
            ],
            systems: [
                System(
                    name: "builtin", container: "builtin",
                    env: [EnvironmentVariable(name: "GOMAXPROCS", value: "1")])
            ],
            server: ServerSpec(host: "local", port: 0, limits: Limits(cpus: 1, memoryBytes: 512 << 20, cpuset: nil)),
            clients: [ClientGroup(host: "local", workers: 2, threads: 1)],
            workload: Workload(
                protocolKind: .grpc, call: .unary, payloadBytes: 64, connections: [100, 1000, 10000],
                concurrency: 1, rate: .max, warmupMilliseconds: 2000, durationMilliseconds: 10000,
                repeatCount: 1))
        #expect(topology == expected)
        #expect(topology.host(named: "loadgen-1")?.isLocal == false)
        #expect(topology.host(named: "local")?.isLocal == true)
        #expect(topology.host(named: "nope") == nil)
        #expect(topology.systems[0].isBuiltin)
    }

    /// A server on this machine with an `address` serves clients on ssh hosts there.
    @Test func aLocalServerWithAnAddressServesRemoteClients() throws {
        let text =
            minimalExample
            .replacingOccurrences(
                of: "hosts:\n  local:\n", with: "hosts:\n  local: { address: 10.0.0.5 }\n  far: { ssh: bench@far }\n"
            )
            .replacingOccurrences(of: "clients:\n  - host: local", with: "clients:\n  - host: far")
        let topology = try parse(text).get()
        #expect(topology.host(named: "local")?.address == "10.0.0.5")
        #expect(topology.clients.map(\.host) == ["far"])
    }

    @Test func minimalFileGetsEveryDefault() throws {
        let topology = try parse(minimalExample).get()
        #expect(
            topology
                == Topology(
                    name: "min",
                    hosts: [Host(name: "local")],
                    systems: [System(name: "builtin", container: "builtin", env: [])],
                    server: ServerSpec(host: "local", port: 0, limits: nil),
                    clients: [ClientGroup(host: "local", workers: 1, threads: 1)],
                    workload: Workload(
                        protocolKind: .tcpEcho, call: .unary, payloadBytes: 1024, connections: [10],
                        concurrency: 1, rate: .max, warmupMilliseconds: 2000, durationMilliseconds: 10000,
                        repeatCount: 1)))
    }

    @Test func everyOptionalFormIsRead() throws {
        let text = """
            name: all-forms-2
            hosts:
              local: {}
              v6:
                ssh: root@[fe80::1]:2222
              lg.b_1:
                ssh: bench@lg-b
            systems:
              - name: a
                container: nginx
                env:
                  WORKERS: 4
                  DEBUG: true
                  RATIO: 0.5
                  QUOTED: "x y"
                  EMPTY:
              - name: b
                container: builtin
            server:
              host: v6
              port: "8080"
              limits: { cpus: 0.5, memory: 1GiB, cpuset: "0-1,3" }
            clients:
              - { host: lg.b_1, workers: 3, threads: 4 }
              - host: local
            workload:
              protocol: grpc
              call: stream
              payload: 16MiB
              connections: 1_000
              concurrency: 8
              rate: 20000.5/s
              warmup: 0s
              duration: 1m
              repeat: 3
            """
        let topology = try parse(text).get()
        #expect(topology.hosts.map(\.name) == ["local", "v6", "lg.b_1"])
        #expect(topology.hosts[1].ssh == SSHTarget(user: "root", host: "fe80::1", port: 2222))
        #expect(topology.hosts[2].ssh == SSHTarget(user: "bench", host: "lg-b", port: 22))
        #expect(
            topology.systems[0].env == [
                EnvironmentVariable(name: "WORKERS", value: "4"), EnvironmentVariable(name: "DEBUG", value: "true"),
                EnvironmentVariable(name: "RATIO", value: "0.5"), EnvironmentVariable(name: "QUOTED", value: "x y"),
                EnvironmentVariable(name: "EMPTY", value: "")
            ])
        #expect(
            topology.server
                == ServerSpec(
                    host: "v6", port: 8080,
                    limits: Limits(cpus: 0.5, memoryBytes: 1 << 30, cpuset: "0-1,3")))
        #expect(topology.clients == [ClientGroup(host: "lg.b_1", workers: 3, threads: 4), ClientGroup(host: "local")])
        #expect(
            topology.workload
                == Workload(
                    protocolKind: .grpc, call: .stream, payloadBytes: 16 << 20, connections: [1000], concurrency: 8,
                    rate: .perSecond(20000.5), warmupMilliseconds: 0, durationMilliseconds: 60_000, repeatCount: 3))
    }

    @Test func bytesWithBOMAndCRLFParse() throws {
        let text = minimalExample.replacingOccurrences(of: "\n", with: "\r\n")
        let topology = try TopologyParser.parse(
            bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "t.yaml",
            knownContainers: []
        ).get()
        #expect(topology.name == "min")
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
