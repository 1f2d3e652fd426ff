import Glibc
import Metrics
import Testing
import Topology
import Wire
import WorkerCore

@testable import Serve

/// `ServerRunner` against a scripted process layer in virtual time: every path from build to
/// stop, each with the times and signals it takes, exactly.
@Suite struct ServerRunnerVirtualTimeTests {
    static func setup(runBuild: Bool = false, readyTimeoutMs: UInt64 = 20_000, limits: Limits? = nil) -> ServerSetup {
        ServerSetup(
            node: "server", host: "h1", system: "fake", container: "/r/fake", protocolKind: .grpc, bindHost: "127.0.0.1",
            port: 0, environment: [], buildDirectory: "/cache/fake", runBuild: runBuild, readyTimeoutMs: readyTimeoutMs,
            sampleIntervalMs: 1_000, cellID: "c1", limits: limits, threads: 1)
    }

    /// A runner for `setup` on `layer`, started at virtual time 0.
    static func start(_ setup: ServerSetup, on layer: FakeProcessLayer) throws -> (ServerRunner, Events) {
        let events = Events()
        let plan = ServerPlan(setup: setup, selfExecutable: "/bin/barrage", absolute: { $0 })
        let runner = try ServerRunner(plan: plan, layer: layer, callbacks: events.callbacks(layer))
        runner.start()
        return (runner, events)
    }

    /// What the runner reported, with the virtual time of each report.
    final class Events {
        var ready: [(ms: UInt64, report: ServerReadyReport)] = []
        var failures: [(ms: UInt64, reason: String)] = []
        var building = 0
        var stopped: UInt64?

        func callbacks(_ layer: FakeProcessLayer) -> ServerRunner.Callbacks {
            ServerRunner.Callbacks(
                ready: { [unowned self, unowned layer] in self.ready.append((layer.nowMs, $0)) },
                failed: { [unowned self, unowned layer] in self.failures.append((layer.nowMs, $0)) },
                building: { [unowned self] in self.building += 1 })
        }

        var ended: Bool { !ready.isEmpty || !failures.isEmpty }
    }

    /// Stops `runner` with `graceMs` between SIGTERM and SIGKILL; the virtual time its
    /// completion ran at.
    static func stop(_ runner: ServerRunner, on layer: FakeProcessLayer, graceMs: UInt64 = 2_000) -> UInt64? {
        var at: UInt64?
        runner.terminate(graceMs: graceMs) { at = layer.nowMs }
        layer.run(until: { at != nil })
        return at
    }

    @Test func aFailedBuildFailsWithItsLastLineAndStartsNothing() throws {
        let layer = FakeProcessLayer { command in
            command.executable.hasSuffix("/build")
                ? .init(exits: (3_000, .exited(2)), lastLine: "main.go:3: syntax error") : .init(listensAfterMs: 10)
        }
        let (runner, events) = try Self.start(Self.setup(runBuild: true), on: layer)
        #expect(events.building == 1)
        #expect(layer.run(until: { events.ended }))
        #expect(events.failures.map(\.ms) == [3_000])
        #expect(
            events.failures.first?.reason
                == "/r/fake/build exited with status 2; its last stderr line: main.go:3: syntax error (its output is in this node's log)"
        )
        #expect(layer.children.count == 1, "no system after a failed build")
        let build = try #require(layer.children.first)
        #expect(build.command.environment["HTTPS_PROXY"] == "http://proxy", "a build inherits the worker's environment")
        #expect(layer.signals.map(\.signal) == [SIGKILL] && layer.signals.first?.group == build.pid, "what it started goes too")
        #expect(Self.stop(runner, on: layer) == 3_000, "a failed runner stops at once")
    }

    @Test func aBuiltRecipeStartsOnAFreePortAndIsReadyAtItsFirstAcceptedProbe() throws {
        let layer = FakeProcessLayer { command in
            command.executable.hasSuffix("/build") ? .init(exits: (1_000, .exited(0))) : .init(listensAfterMs: 120)
        }
        let (runner, events) = try Self.start(Self.setup(runBuild: true), on: layer)
        #expect(layer.run(until: { events.ended }))
        #expect(events.failures.isEmpty)
        let system = try #require(layer.children.last)
        #expect(system.command.executable == "/r/fake/run" && system.command.environment["BARRAGE_PORT"] == "41000")
        #expect(system.command.environment["HTTPS_PROXY"] == nil, "the system gets the base environment only")
        // Probes at 1000, 1051, 1102, 1153 (a refusal answers after 1 ms, the next waits 50 ms): the
        // first at or after 1120 is accepted, and ready comes with its answer.
        #expect(layer.probes == [1_000, 1_051, 1_102, 1_153])
        #expect(events.ready.map(\.ms) == [1_154])
        #expect(events.ready.first?.report == ServerReadyReport(port: 41_000, serverProcessGroup: system.pid))
        let result = runner.result(node: "server", host: "h1")
        #expect(result.idleRssBytes == 40 << 20 && result.cpuAllowanceCores == 4)
        #expect(result.systemVersions?.versions == ["fake": "1"] && result.systemVersions?.container == "fake")
    }

    @Test func aSystemThatExitsDuringTheProbeFailsWithItsStatus() throws {
        let layer = FakeProcessLayer { _ in .init(exits: (700, .exited(1)), lastLine: "bind: address already in use") }
        let (runner, events) = try Self.start(Self.setup(), on: layer)
        #expect(layer.run(until: { events.ended }))
        #expect(events.ready.isEmpty)
        #expect(events.failures.map(\.ms) == [700])
        #expect(
            events.failures.first?.reason
                == "fake (/r/fake/run) exited with status 1; its last stderr line: bind: address already in use")
        #expect(layer.probes.count == 14, "every 51 ms until it died: \(layer.probes.count)")
        #expect(layer.signals.map(\.signal) == [SIGKILL], "what is left of its group is killed")
        layer.run(forMs: 10_000)
        #expect(layer.probes.count == 14, "no probe after the exit")
        #expect(events.failures.count == 1)
        #expect(Self.stop(runner, on: layer) == 10_700)
    }

    @Test func aSystemThatNeverListensFailsAtTheReadyTimeoutAndStopsWithSIGTERM() throws {
        let layer = FakeProcessLayer { _ in .init() }
        let (runner, events) = try Self.start(Self.setup(readyTimeoutMs: 5_000), on: layer)
        #expect(layer.run(until: { events.ended }))
        let failure = try #require(events.failures.first)
        #expect(failure.reason == "fake did not accept TCP connections on 127.0.0.1:41000 within 5 s")
        // The first probe at or after the deadline fails instead of connecting: 5 000 / 51 ms.
        #expect(failure.ms == 5_049 && layer.probes.count == 99)
        #expect(layer.signals.isEmpty, "it stays up; the coordinator stops the cell")
        let system = try #require(layer.children.first)
        #expect(system.alive)
        #expect(Self.stop(runner, on: layer) == 5_049 + 30)
        #expect(layer.signals.map(\.signal) == [SIGTERM, SIGKILL], "SIGTERM, then the rest of its group at the leader's exit")
        #expect(system.endedWith == .signaled(SIGTERM))
    }

    @Test func aStopThatIsIgnoredEndsInSIGKILLAfterTheGrace() throws {
        let layer = FakeProcessLayer { _ in .init(listensAfterMs: 0, ignoresSIGTERM: true) }
        let (runner, events) = try Self.start(Self.setup(), on: layer)
        #expect(layer.run(until: { events.ended }))
        layer.run(forMs: 10_000)
        let askedAt = layer.nowMs
        let stoppedAt = Self.stop(runner, on: layer, graceMs: 3_000)
        #expect(layer.signals.map(\.signal) == [SIGTERM, SIGKILL, SIGKILL])
        #expect(layer.signals.map(\.ms) == [askedAt, askedAt + 3_000, askedAt + 3_001])
        #expect(stoppedAt == askedAt + 3_001)
        #expect(layer.logLines.contains("barrage: fake ignored SIGTERM for 3000 ms; killing it\n"))
        #expect(events.failures.isEmpty, "a stop that was asked for is no failure")
    }

    @Test func stoppingDuringTheBuildKillsItWithoutAGrace() throws {
        let layer = FakeProcessLayer { _ in .init() }
        let (runner, events) = try Self.start(Self.setup(runBuild: true), on: layer)
        layer.run(forMs: 60_000)
        #expect(events.building == 1 && !events.ended)
        #expect(Self.stop(runner, on: layer) == 60_001)
        #expect(layer.signals.map(\.signal) == [SIGKILL, SIGKILL], "the build's group, once asked and once at its exit")
        #expect(layer.children.count == 1 && events.failures.isEmpty)
    }

    @Test func aCrashInTheWindowFailsAndKeepsWhatWasMeasured() throws {
        let layer = FakeProcessLayer { _ in .init(listensAfterMs: 0, exits: (8_000, .signaled(SIGSEGV)), lastLine: "fault") }
        let (runner, events) = try Self.start(Self.setup(), on: layer)
        #expect(layer.run(until: { events.ended }))
        layer.run(forMs: 2_000)
        runner.mark(.open)
        let openedAt = layer.nowMs
        #expect(layer.run(until: { !events.failures.isEmpty }))
        #expect(events.failures.map(\.ms) == [8_000])
        #expect(
            events.failures.first?.reason == "fake (/r/fake/run) was killed by signal 11 (SIGSEGV); its last stderr line: fault")
        runner.mark(.close)
        let result = runner.result(node: "server", host: "h1")
        #expect(result.window == nil, "the window never closed while serving")
        #expect(result.idleRssBytes == 40 << 20)
        // At the start, at ready, every second, at the open mark; none after the crash (the
        // exit was due at 8 000 before that second's sample).
        #expect(result.samples.map(\.timeMs) == [0, 1, 1_000, 2_000, openedAt, 3_000, 4_000, 5_000, 6_000, 7_000])
    }

    @Test func anOOMKillUnderLimitsIsSaidAndTheCgroupGoesWithItsPeakKept() throws {
        let layer = FakeProcessLayer { _ in .init(listensAfterMs: 0, exits: (4_000, .signaled(SIGKILL))) }
        let cgroup = FakeProcessLayer.Cgroup()
        cgroup.oomKillCount = 1
        layer.cgroup = cgroup
        let (runner, events) = try Self.start(Self.setup(limits: Limits(memoryBytes: 256 << 20)), on: layer)
        #expect(layer.run(until: { !events.failures.isEmpty }))
        let system = try #require(layer.children.first)
        #expect(system.command.arguments.prefix(4) == ["cgexec", "--cgroup", "/sys/fs/cgroup/barrage/fake", "--"])
        #expect(system.command.environment["BARRAGE_MEMORY_BYTES"] == String(256 << 20))
        #expect(
            events.failures.first?.reason
                == "fake ran out of memory (limit memory 256 MiB): the kernel killed it (was killed by signal 9 (SIGKILL))")
        #expect(cgroup.removed)
        #expect(runner.result(node: "server", host: "h1").cgroupMemoryPeakBytes == 300 << 20)
    }

    @Test func limitsThatCannotBeEnforcedFailBeforeAnythingRuns() throws {
        let layer = FakeProcessLayer { _ in .init(listensAfterMs: 0) }
        let (_, events) = try Self.start(Self.setup(limits: Limits(cpus: 0.5)), on: layer)
        #expect(events.failures.map(\.reason) == ["limits cpus 0.5 cannot be enforced on h1: no cgroup here"])
        #expect(layer.children.isEmpty)
    }
}
