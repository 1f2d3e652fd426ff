import Testing
import Topology
import Wire

@testable import CoordinatorCore

/// The pure decisions of a cell's setups: rate shares, addresses, thread counts, deadlines.
@Suite struct SetupBuilderTests {
    let builder = SetupBuilder(
        containersDirectory: "/src/Containers", buildCacheDirectory: "/home/u/.cache/barrage/build",
        remoteRecipeFolders: ["far": ["nginx": ".cache/barrage/recipes/abc123/nginx"]])

    func cell(
        servers: [ServerProcess] = [ServerProcess(host: Host(name: "local"), port: 0)],
        clients: [Int] = [4, 3, 3], rate: CellRate = .max, system: System = System(name: "builtin", container: "builtin"),
        limits: Limits? = nil, warmup: Int = 2_000, duration: Int = 10_000
    ) -> CellPlan {
        var workload = Workload(protocolKind: .grpc, payloadBytes: 64, connections: [clients.reduce(0, +)])
        workload.warmupMilliseconds = warmup
        workload.durationMilliseconds = duration
        let processes = clients.enumerated().map { index, connections in
            ClientProcess(
                name: "client-\(index + 1)", host: Host(name: index == 0 ? "local" : "box"),
                connections: connections, threads: 2)
        }
        return CellPlan(
            id: "c", index: 0, system: system, connections: clients.reduce(0, +), repeatIndex: 1,
            servers: servers, clients: processes, workload: workload, limits: limits, rate: rate)
    }

    @Test(arguments: [(1000.0, [4, 3, 3]), (0.1, [1, 1, 1]), (12345.678, [3, 0, 7, 1]), (7.0, [1]), (1e9 / 3, [5, 5, 5, 2])])
    func rateSharesSumExactlyToTheOfferedRate(total: Double, connections: [Int]) {
        let shares = ConnectionSplit.rateShares(total: total, connections: connections)
        #expect(shares.reduce(0.0) { $0 + ($1 ?? 0) } == total)
        for (share, count) in zip(shares, connections) {
            if count == 0 { #expect(share == nil, "no connections, no rate") } else { #expect((share ?? 0) > 0) }
        }
        // In proportion to connections, to within rounding.
        let sum = Double(connections.reduce(0, +))
        for (share, count) in zip(shares, connections) where count > 0 {
            #expect(abs(share! - total * Double(count) / sum) <= total * 1e-12)
        }
    }

    @Test func clientsGetTheirShareOfTheRateAndWorkloadTimeouts() {
        let setups = builder.clientSetups(
            for: cell(rate: .perSecond(1000)), targets: [ServerEndpoint(host: "127.0.0.1", port: 9)],
            ratePerSecond: 1000)
        #expect(setups.map(\.ratePerSecond) == [400, 300, 300])
        #expect(setups.map(\.node) == ["client-1", "client-2", "client-3"])
        #expect(setups.map(\.host) == ["local", "box", "box"])
        #expect(setups.allSatisfy { $0.threads == 2 && $0.requestTimeoutMs == 10_000 && $0.connectTimeoutMs == 10_000 })
        #expect(builder.clientSetups(for: cell(), targets: [], ratePerSecond: nil).allSatisfy { $0.ratePerSecond == nil })
    }

    @Test func connectionsTakeTheReplicasInTurnAcrossWorkers() {
        let targets = (1...3).map { ServerEndpoint(host: "10.0.0.\($0)", port: 9000 + $0) }
        let setups = builder.clientSetups(for: cell(clients: [4, 3, 3, 1]), targets: targets, ratePerSecond: nil)
        // Connection i of a worker goes to its targets[i % 3]; count what each replica gets.
        var perTarget: [ServerEndpoint: Int] = [:]
        for setup in setups {
            #expect(Set(setup.targets) == Set(targets))
            for index in 0..<setup.connections { perTarget[setup.targets[index % setup.targets.count], default: 0] += 1 }
        }
        #expect(targets.map { perTarget[$0] ?? 0 } == [4, 4, 3], "11 connections over 3 replicas, round-robin")
        #expect(setups[1].targets.first == targets[1], "worker 2 starts where worker 1 (4 connections) left off")
    }

    @Test func targetsAreEachReplicasAddressAndReportedPort() {
        let servers = [
            ServerProcess(name: "server-1", host: Host(name: "a", address: "10.1.1.1"), port: 0),
            ServerProcess(name: "server-2", host: Host(name: "b", ssh: SSHTarget(user: "u", host: "b.lan")), port: 7000),
            ServerProcess(name: "server-3", host: Host(name: "local"), port: 0)
        ]
        let targets = SetupBuilder.targets(of: cell(servers: servers), readyPorts: ["server-1": 41_000, "server-3": 42_000])
        #expect(
            targets == [
                ServerEndpoint(host: "10.1.1.1", port: 41_000), ServerEndpoint(host: "b.lan", port: 7000),
                ServerEndpoint(host: "127.0.0.1", port: 42_000)
            ])
    }

    @Test func serversBindTheOneAddressClientsReachThemAt() {
        #expect(SetupBuilder.bindHost(Host(name: "local")) == "127.0.0.1")
        #expect(SetupBuilder.bindHost(Host(name: "ns", address: "10.0.0.1")) == "10.0.0.1")
        #expect(SetupBuilder.bindHost(Host(name: "far", ssh: SSHTarget(user: "u", host: "10.0.0.9"))) == "10.0.0.9")
        #expect(
            SetupBuilder.bindHost(Host(name: "far", ssh: SSHTarget(user: "u", host: "10.0.0.9"), address: "10.0.1.9"))
                == "10.0.1.9", "the address clients use wins over the ssh one")
    }

    @Test func builtinThreadsComeFromTheServerHostsCoresNarrowedByLimits() {
        let server = ServerProcess(host: Host(name: "local"), port: 0)
        #expect(
            builder.serverSetup(server, cell: cell(), hostCores: 16, runBuild: false).threads == 16,
            "the server host's cores, not the coordinator's")
        #expect(builder.serverSetup(server, cell: cell(), hostCores: 2, runBuild: false).threads == 2)
        #expect(builder.serverSetup(server, cell: cell(limits: Limits(cpus: 0.5)), hostCores: 16, runBuild: false).threads == 1)
        #expect(builder.serverSetup(server, cell: cell(limits: Limits(cpus: 3)), hostCores: 16, runBuild: false).threads == 3)
        #expect(
            builder.serverSetup(server, cell: cell(limits: Limits(cpuset: "0-1,4")), hostCores: 16, runBuild: false).threads == 3)
    }

    @Test func recipesAreFoundHereOrWhereTheyWereDeployed() {
        let nginx = System(name: "web", container: "nginx")
        let local = builder.serverSetup(
            ServerProcess(host: Host(name: "local"), port: 0), cell: cell(system: nginx),
            hostCores: 2, runBuild: true)
        #expect(local.container == "/src/Containers/nginx")
        #expect(local.buildDirectory == "/home/u/.cache/barrage/build/nginx")
        #expect(local.runBuild && local.readyTimeoutMs == 60_000 && local.sampleIntervalMs == 100)
        let far = ServerProcess(name: "server-2", host: Host(name: "far", ssh: SSHTarget(user: "u", host: "far")), port: 0)
        let remote = builder.serverSetup(far, cell: cell(system: nginx), hostCores: 2, runBuild: false)
        #expect(remote.container == ".cache/barrage/recipes/abc123/nginx")
        #expect(remote.buildDirectory == ".cache/barrage/build/nginx")
        #expect(remote.node == "server-2" && remote.host == "far" && remote.bindHost == "far")
    }

    @Test func deadlinesComeFromTheWorkload() {
        let (timeouts, mode) = builder.schedule(for: cell(warmup: 500, duration: 3_000), unbuilt: true)
        #expect(timeouts.warmupMs == 500 && timeouts.measureMs == 3_000)
        #expect(timeouts.serverReadyMs == 60_000, "builtin never builds")
        #expect(mode == .single)
        let nginx = System(name: "web", container: "nginx")
        #expect(builder.schedule(for: cell(system: nginx), unbuilt: true).timeouts.serverReadyMs == 900_000)
        #expect(builder.schedule(for: cell(system: nginx), unbuilt: false).timeouts.serverReadyMs == 60_000)
        let search = CellRate.search(SearchSettings(startPerSecond: 100, trialMilliseconds: 4_000, precision: 0.05))
        let searched = builder.schedule(for: cell(rate: search), unbuilt: false)
        #expect(searched.timeouts.measureMs == 4_000)
        #expect(searched.mode == .trials(settleMs: UInt64(SearchSettings.trialSettleMilliseconds)))
    }

    @Test func timestampsAreUTC() {
        #expect(UTCTimestamp.text(secondsSinceEpoch: 0) == "1970-01-01T00:00:00Z")
        #expect(UTCTimestamp.text(secondsSinceEpoch: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(UTCTimestamp.text(secondsSinceEpoch: 1_795_939_199) == "2026-11-29T07:59:59Z")
        #expect(UTCTimestamp.text(secondsSinceEpoch: -1) == "1969-12-31T23:59:59Z")
    }
}
