import Foundation
import Report
import Testing
import Topology
import Wire

@testable import Coordinator

/// RunDriver against scripted workers in virtual time: what it tells each worker, what it
/// writes, and that a dead worker fails only its own cell.
@Suite struct RunDriverTests {
    static let topology = """
        name: fake
        hosts:
          h1: { address: 10.0.0.1 }
          h2: { address: 10.0.0.2 }
          h3: { address: 10.0.0.3 }
          load: {}
        systems:
          - name: builtin
            container: builtin
        server:
          hosts: [h1, h2, h3]
          replicas: [1, 3]
        clients:
          - host: load
            workers: 2
        workload:
          protocol: grpc
          connections: 7
          rate: 700/s
          warmup: 2s
          duration: 10s

        """

    /// Runs the topology; returns the summary, the fake and the clock.
    /// `signals`: at which virtual times a SIGTERM arrives (through `shutdown`).
    func run(
        deaths: [FakeLauncher.Death] = [], shutdown: RunShutdown = RunShutdown(), signals: [UInt64] = []
    ) throws -> (RunSummary, FakeLauncher, VirtualClock, String) {
        let plan = Planner.plan(try TopologyParser.parse(text: Self.topology, file: "t.yaml", knownContainers: []).get())
        let folder = NSTemporaryDirectory() + "barrage-rundriver-\(UUID().uuidString)"
        let options = RunOptions(
            resultsPath: folder, containersDirectory: "/nowhere/Containers",
            selfExecutable: "/nowhere/barrage", topologyText: Self.topology,
            buildCacheDirectory: "/nowhere/cache", quiet: true)
        var clock: VirtualClock!
        var fake: FakeLauncher!
        let driver = try RunDriver(
            plan: plan, options: options, shutdown: shutdown,
            launcher: { _ in
                fake = FakeLauncher(clock: clock, cores: ["h1": 8, "h2": 4, "h3": 2], deaths: deaths)
                return fake
            },
            clock: { loop in
                clock = VirtualClock(loop: loop, startEpochSeconds: 1_795_939_200)
                for atMs in signals { clock.after(atMs) { shutdown.received("SIGTERM") } }
                return clock
            })
        return (driver.run(), fake, clock, folder)
    }

    @Test func aCellRunsToResultsWithEverySetupFromTheBuilder() throws {
        let (summary, fake, clock, folder) = try run()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(summary.status == .ok)
        #expect(summary.cells.map(\.id) == ["builtin-replicas1-c7-r1", "builtin-replicas3-c7-r1"])
        #expect(summary.cells.map(\.replicas) == [1, 3])
        #expect(summary.started == "2026-11-29T08:00:00Z", "the injected clock's time")
        // Two cells of 2 s warmup and a 10 s window each, in virtual time.
        #expect(clock.nowMs >= 24_000)
        #expect(summary.cells.allSatisfy { $0.requestsPerSecond > 0 })

        // The builtin server is sized from the cores its own host's worker reported.
        #expect(fake.serverSetups.map(\.node) == ["server", "server-1", "server-2", "server-3"])
        #expect(fake.serverSetups.map(\.threads) == [8, 8, 4, 2])
        #expect(fake.serverSetups.map(\.bindHost) == ["10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.3"])

        // Clients: the rate split 400 + 300 by connections (4 and 3), targets at the ports
        // the replicas reported, the second worker starting where the first left off.
        let third = fake.clientSetups.suffix(2)
        #expect(third.map(\.ratePerSecond) == [400, 300])
        #expect(
            third.first?.targets == [
                ServerEndpoint(host: "10.0.0.1", port: 9001), ServerEndpoint(host: "10.0.0.2", port: 9002),
                ServerEndpoint(host: "10.0.0.3", port: 9003)
            ])
        #expect(third.last?.targets.first == ServerEndpoint(host: "10.0.0.2", port: 9002))
        #expect(fake.clientSetups.first?.targets == [ServerEndpoint(host: "10.0.0.1", port: 9000)])

        // One node file per replica, named as the contract says.
        let nodes = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/nodes/builtin-replicas3-c7-r1").sorted()
        #expect(
            nodes == [
                "cell.json", "client-1.json", "client-2.json", "server-1.json", "server-1.samples.jsonl", "server-2.json",
                "server-2.samples.jsonl", "server-3.json", "server-3.samples.jsonl"
            ])
        let single = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/nodes/builtin-replicas1-c7-r1").sorted()
        #expect(single == ["cell.json", "client-1.json", "client-2.json", "server.json", "server.samples.jsonl"])
        #expect(fake.running.isEmpty, "no worker outlives the run")
    }

    @Test func aDeadReplicaFailsOnlyItsCellNamingTheHost() throws {
        let death = FakeLauncher.Death(cell: "builtin-replicas3-c7-r1", node: "server-2", trigger: .mark(.open))
        let (summary, fake, _, folder) = try run(deaths: [death])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(summary.status == .failed)
        #expect(summary.cells.map(\.status) == [.ok, .failed])
        #expect(summary.cells[1].error == "server-2 on h2 was killed by signal 9 (SIGKILL) during opening window")
        #expect(fake.running.isEmpty, "the other replicas and the clients were stopped")
    }

    /// One SIGTERM mid-window: the cell stops in order (clients, then servers), no later cell
    /// starts, and the run says why.
    @Test func aSignalStopsTheRunningCellInOrderAndStartsNoOther() throws {
        let shutdown = RunShutdown()
        let (summary, fake, clock, folder) = try run(shutdown: shutdown, signals: [6_000])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(summary.status == .interrupted)
        #expect(summary.cells.map(\.status) == [.interrupted], "the second cell never starts")
        #expect(summary.cells.first?.error == "interrupted by SIGTERM")
        #expect(shutdown.state == .stopping(reason: "interrupted by SIGTERM"))
        #expect(clock.nowMs < 12_000, "stopped before the window's end, at \(clock.nowMs) ms")
        #expect(fake.running.isEmpty, "no worker outlives the run")
    }

    /// A second signal while the cell stops: every worker is killed now.
    @Test func aSecondSignalKillsEveryWorkerNow() throws {
        let shutdown = RunShutdown()
        let (summary, fake, _, folder) = try run(shutdown: shutdown, signals: [6_000, 6_000])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(summary.status == .interrupted)
        #expect(shutdown.state == .killing(reason: "interrupted by SIGTERM"))
        #expect(fake.running.isEmpty)
    }
}
