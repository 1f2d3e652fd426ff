import Metrics
import Testing
import Topology
import Wire

@testable import CoordinatorCore

/// The cell's decisions as one machine: a capacity trial's verdict picks the next trial's rate
/// inside it, setups leave it finished, logs are named and kills scoped — no driver in the loop.
@Suite struct CellDirectorTests {
    let hello = WorkerMessage.hello(version: ControlCodec.protocolVersion, pid: 1, cores: 4)
    let builder = SetupBuilder(containersDirectory: "/src/Containers", buildCacheDirectory: "/cache")

    /// One search cell: the server on `serverHost` (`local`, or `far` over ssh), one client worker.
    func cell(serverHost: String = "local") throws -> CellPlan {
        let text = """
            name: search
            hosts:
              local: {}
              far: { ssh: u@far }
            systems:
              - name: builtin
                container: builtin
            server:
              hosts: [\(serverHost)]
            clients:
              - host: local
            workload:
              protocol: grpc
              connections: 10
              rate: search
              slo: { p99: 50ms }
              search: { start: 1000/s, trial: 3s, precision: 10% }
              warmup: 2s
              duration: 5s

            """
        let plan = Planner.plan(try TopologyParser.parse(text: text, file: "t.yaml", knownContainers: []).get())
        return try #require(plan.cells.first)
    }

    /// 3,000 calls in a 3 s window, none slow: a trial that meets the SLO.
    func result(_ node: String) -> ClientNodeResult {
        ClientNodeResult(
            node: node, host: "local", connectionsAsked: 10, connectionsEstablished: 10, connectFailures: [:],
            threads: 1, window: MeasurementWindow(startMs: 0, endMs: 3000), requests: 3000, errors: [:],
            histogram: LatencyHistogram(), cpuSeconds: 0.1, rssPeakBytes: 1)
    }

    func timer(_ directives: [CellDirective]) -> Int? {
        for case .startTimer(let generation, _) in directives { return generation }
        return nil
    }

    func clientSetup(_ directives: [CellDirective]) -> ClientSetup? {
        for case .send(_, .setupClient(let setup)) in directives { return setup }
        return nil
    }

    /// Starts the cell up to its server's ready report (port 9000, process group 77).
    func startServer(_ director: inout CellDirector) -> [CellDirective] {
        _ = director.handle(.begin)
        let setup = director.handle(.message(node: "server", hello))
        guard case .send("server", .setupServer(let server)) = setup.first else {
            Issue.record("no server setup: \(setup)")
            return []
        }
        #expect(server.runBuild, "the first replica on a host builds the recipe")
        return director.handle(.message(node: "server", .serverReady(ServerReadyReport(port: 9000, serverProcessGroup: 77))))
    }

    /// One trial from its client's hello to its exit; returns the client's setup and the
    /// directives of the exit.
    func trial(_ director: inout CellDirector) -> (ClientSetup?, [CellDirective]) {
        let setup = clientSetup(director.handle(.message(node: "client-1", hello)))
        let ready = director.handle(.message(node: "client-1", .clientReady(ClientReadyReport(connectionsEstablished: 10))))
        _ = director.handle(.timerFired(generation: timer(ready) ?? -1))
        _ = director.handle(.message(node: "server", .marked(.open)))
        let opened = director.handle(.message(node: "client-1", .marked(.open)))
        _ = director.handle(.timerFired(generation: timer(opened) ?? -1))
        _ = director.handle(.message(node: "server", .marked(.close)))
        _ = director.handle(.message(node: "client-1", .marked(.close)))
        let collected = director.handle(.message(node: "client-1", .clientResult(result("client-1"))))
        #expect(collected.contains(.closeControl(node: "client-1")))
        return (setup, director.handle(.exited(node: "client-1", status: .exited(0))))
    }

    @Test func aTrialsVerdictPicksTheNextTrialInsideTheDirector() throws {
        let cell = try cell()
        var director = CellDirector(cell: cell, builder: builder, builtRecipes: [], remoteHosts: [])
        #expect(director.ratePerSecond == 1000, "the search's first trial")
        let ready = startServer(&director)
        let client = try #require(cell.clients.first)
        #expect(
            Array(ready.prefix(2)) == [
                .clientsStarting(trial: 1), .spawn(node: "client-1", host: client.host, logName: "client-1")
            ])

        let (first, ended) = trial(&director)
        #expect(first?.ratePerSecond == 1000)
        #expect(first?.targets == [ServerEndpoint(host: "127.0.0.1", port: 9000)], "the port the server reported")
        // Met at 1,000/s: the search doubles, and the director starts trial 2 itself.
        guard case .note(let line) = ended.first else {
            Issue.record("no trial line: \(ended)")
            return
        }
        #expect(line.hasPrefix("capacity builtin c10 · trial 1 · 1,000/s · p99 "))
        #expect(line.contains("✓"))
        #expect(
            Array(ended.dropFirst().prefix(2)) == [
                .clientsStarting(trial: 2), .spawn(node: "client-1", host: client.host, logName: "client-1-trial2")
            ])
        #expect(director.ratePerSecond == 2000)
        #expect(director.phaseLabel == "trial 2 · 2,000/s · starting clients")

        let (second, _) = trial(&director)
        #expect(second?.ratePerSecond == 2000, "trial 2's clients are set up at the search's new rate")
        #expect(director.machine.trialNumber == 3)
        #expect(director.builtRecipes == ["local builtin"])
    }

    @Test func aKillReachesTheSystemsProcessGroupOnlyOnThisMachine() throws {
        for (host, group) in [("local", Int32(77)), ("far", nil)] {
            var director = CellDirector(
                cell: try cell(serverHost: host), builder: builder, builtRecipes: [], remoteHosts: ["far"])
            _ = startServer(&director)
            let closing = director.handle(.interrupt(reason: "interrupted by SIGINT"))
            #expect(closing.contains(.closeControl(node: "server")))
            let killing = director.handle(.timerFired(generation: timer(closing) ?? -1))
            #expect(killing.contains(.kill(node: "server", processGroup: group)), "server on \(host)")
            #expect(killing.contains(.kill(node: "client-1", processGroup: nil)))
            #expect(director.localServerGroups == (group.map { [$0] } ?? []))
        }
    }

    @Test func aRecipeIsBuiltOncePerHostAcrossCells() throws {
        let cell = try cell()
        var director = CellDirector(cell: cell, builder: builder, builtRecipes: ["local builtin"], remoteHosts: [])
        _ = director.handle(.begin)
        let setup = director.handle(.message(node: "server", hello))
        guard case .send("server", .setupServer(let server)) = setup.first else {
            Issue.record("no server setup: \(setup)")
            return
        }
        #expect(!server.runBuild, "an earlier cell already had this host build it")
        #expect(director.timeouts.serverReadyMs == SetupBuilder.serverReadyMs)
    }
}
