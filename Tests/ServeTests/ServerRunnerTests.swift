import Glibc
import Metrics
import Testing
import Topology
import UV
import UVTestSupport
import Wire

@testable import Serve

/// The supervisor on real processes: fake recipes (shell scripts, a Python listener) started,
/// probed, sampled, marked and stopped by a `ServerRunner` on a real loop. Times in results
/// come from an injected clock, so they are asserted exactly; waits are bounded generously,
/// since other builds may share this machine.
@Suite(.timeLimit(.minutes(2)))
struct ServerRunnerTests {
    /// A recipe script running `body` in Python, which first closes every descriptor above
    /// stderr: the test process runs other suites' threads, and a file one of them has open
    /// for writing, inherited by a child living for seconds, would make executing that file
    /// fail with ETXTBSY there.
    static func python(_ body: String) -> String {
        "#!/bin/sh\nexec python3 -c '\nimport os, signal, socket, subprocess, time\nos.closerange(3, os.sysconf(\"SC_OPEN_MAX\"))\n"
            + body + "\n'\n"
    }

    /// Listens on `$BARRAGE_HOST:$BARRAGE_PORT` with a `sleep` child in its tree (started by
    /// `child`); writes the port it was told and the child's pid into its folder first.
    static func listeningServer(child: String = "[\"sleep\", \"300\"]", ignoringSIGTERM: Bool = false) -> String {
        python(
            """
            \(ignoringSIGTERM ? "signal.signal(signal.SIGTERM, signal.SIG_IGN)" : "")
            child = subprocess.Popen(\(child))
            open("child.pid", "w").write(str(child.pid))
            open("port", "w").write(os.environ["BARRAGE_PORT"])
            print("fake server: listening on", os.environ["BARRAGE_HOST"], os.environ["BARRAGE_PORT"], file=os.sys.stderr, flush=True)
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((os.environ["BARRAGE_HOST"], int(os.environ["BARRAGE_PORT"])))
            s.listen(16)
            while True:
                s.accept()[0].close()
            """)
    }

    @Test func startsReportsReadySamplesMarksAndLeavesNoProcessBehind() throws {
        let loop = try Loop()
        let recipe = try FakeRecipe(run: Self.listeningServer())
        let clock = FakeClock(ms: 1_000)
        let (runner, events) = try Self.start(Self.setup(recipe), on: loop, clock: { clock.ms })
        try runLoop(loop, timeout: 30_000)
        #expect(events.failures.isEmpty, "\(events.failures)")
        let report = try #require(events.ready.first)
        let port = report.port
        #expect(port > 0)
        #expect(recipe.read("port") == String(port), "ready at the port the recipe was told")
        let pid = report.serverProcessGroup
        let child = try #require(recipe.pid("child.pid"))
        #expect(isAlive(pid) && isAlive(child))

        clock.ms = 2_000
        runner.mark(.open)
        try Self.run(loop, forMs: 300)
        clock.ms = 5_000
        runner.mark(.close)
        let result = runner.result(node: "server", host: "local")
        #expect(result.window == MeasurementWindow(startMs: 2_000, endMs: 5_000))
        // The ready sample, one at each mark and the result's, and the 20 ms timer's between.
        #expect(result.samples.count >= 4, "\(result.samples.count) samples")
        #expect(result.samples.allSatisfy { [1_000, 2_000, 5_000].contains($0.timeMs) }, "sample times come from the clock")
        #expect(result.samples.allSatisfy { $0.rssBytes > 0 }, "\(result.samples)")
        #expect(result.samples.last.map { $0.threads >= 2 } == true, "the sleep child is in the sampled tree")
        #expect((result.idleRssBytes ?? 0) > 1 << 20, "a listening Python process holds more than 1 MiB")
        #expect(result.systemVersions?.container == recipe.directory.split(separator: "/").last.map(String.init))

        #expect(try Self.terminate(runner, on: loop, graceMs: 10_000))
        #expect(eventually { !isAlive(pid) && !isAlive(child) }, "the whole tree is gone")
        #expect(events.failures.isEmpty, "a stop that was asked for is no failure: \(events.failures)")
        // After the stop the window and idle RSS still read.
        #expect(runner.result(node: "server", host: "local").window == MeasurementWindow(startMs: 2_000, endMs: 5_000))
    }

    @Test func aServerThatIgnoresSIGTERMIsKilledAfterTheGrace() throws {
        let loop = try Loop()
        // An ignored signal stays ignored across fork and exec: Python and its sleep child both ignore SIGTERM.
        let recipe = try FakeRecipe(run: Self.listeningServer(ignoringSIGTERM: true))
        let (runner, events) = try Self.start(Self.setup(recipe), on: loop)
        try runLoop(loop, timeout: 30_000)
        let pid = try #require(events.ready.first?.serverProcessGroup)
        let child = try #require(recipe.pid("child.pid"))
        #expect(try Self.terminate(runner, on: loop, graceMs: 300))
        #expect(eventually { !isAlive(pid) && !isAlive(child) }, "SIGKILL after the grace took the whole tree")
        #expect(events.failures.isEmpty, "\(events.failures)")
    }

    @Test func aChildThatIgnoresSIGTERMDoesNotOutliveItsLeader() throws {
        let loop = try Loop()
        // Only the child ignores SIGTERM; Python, the leader, ends on it.
        let recipe = try FakeRecipe(run: Self.listeningServer(child: "[\"sh\", \"-c\", \"trap \\\"\\\" TERM; exec sleep 300\"]"))
        let (runner, events) = try Self.start(Self.setup(recipe), on: loop)
        try runLoop(loop, timeout: 30_000)
        let pid = try #require(events.ready.first?.serverProcessGroup)
        let child = try #require(recipe.pid("child.pid"))
        // A grace longer than the loop may run: the stop must not wait for it.
        #expect(try Self.terminate(runner, on: loop, graceMs: 60_000))
        #expect(eventually { !isAlive(pid) && !isAlive(child) }, "the child went with its leader")
    }

    @Test func aRecipeThatExitsAtStartFailsWithItsStatusAndLastStderrLine() throws {
        let loop = try Loop()
        let recipe = try FakeRecipe(
            run: """
                #!/bin/sh
                echo "fake: reading config" >&2
                echo "fake: listen tcp 127.0.0.1:$BARRAGE_PORT: bind: address already in use" >&2
                echo "a line on stdout is not the error"
                exit 3

                """)
        let (runner, events) = try Self.start(Self.setup(recipe), on: loop)
        try runLoop(loop, timeout: 30_000)
        #expect(events.ready.isEmpty)
        let failure = try #require(events.failures.first)
        #expect(failure.contains("fake (\(recipe.directory)/run) exited with status 3"), "\(failure)")
        #expect(failure.contains("; its last stderr line: fake: listen tcp 127.0.0.1:"), "\(failure)")
        #expect(failure.hasSuffix(": bind: address already in use"), "stdout is not taken for the error: \(failure)")
        #expect(events.failures.count == 1, "\(events.failures)")
        var stopped = false
        runner.terminate(graceMs: 2_000) { stopped = true }
        #expect(stopped, "a failed runner stops at once")
    }

    @Test func aFailedBuildSaysItsStatusAndLastStderrLine() throws {
        let loop = try Loop()
        let recipe = try FakeRecipe(
            run: "#!/bin/sh\nexit 0\n",
            build: """
                #!/bin/sh
                echo "compiling" >&2
                echo "main.c:3:1: error: expected ';'" >&2
                exit 2

                """)
        let (runner, events) = try Self.start(Self.setup(recipe, runBuild: true), on: loop)
        try runLoop(loop, timeout: 30_000)
        #expect(events.building == 1)
        let failure = try #require(events.failures.first)
        #expect(
            failure.contains("/build exited with status 2; its last stderr line: main.c:3:1: error: expected ';'"), "\(failure)")
    }

    @Test func stoppingDuringTheBuildKillsItAndCompletes() throws {
        let loop = try Loop()
        let recipe = try FakeRecipe(
            run: "#!/bin/sh\nexit 0\n",
            build: Self.python(
                """
                child = subprocess.Popen(["sleep", "300"])
                open("build-child.pid", "w").write(str(child.pid))
                time.sleep(300)
                """))
        let (runner, events) = try Self.start(Self.setup(recipe, runBuild: true), on: loop)
        #expect(events.building == 1)
        let poll = try Timer(loop: loop)
        try poll.start(after: 10, repeat: 10) { if recipe.pid("build-child.pid") != nil { loop.stop() } }
        try runLoop(loop, timeout: 30_000)
        poll.close()
        let child = try #require(recipe.pid("build-child.pid"))
        #expect(try Self.terminate(runner, on: loop), "terminate's completion runs once the build is gone")
        #expect(eventually { !isAlive(child) }, "what the build started is gone too")
        #expect(events.failures.isEmpty, "\(events.failures)")
    }

    @Test func aServerThatNeverListensFailsAtTheReadyTimeout() throws {
        let loop = try Loop()
        let recipe = try FakeRecipe(
            run: Self.python(
                """
                open("leader.pid", "w").write(str(os.getpid()))
                time.sleep(300)
                """))
        let (runner, events) = try Self.start(Self.setup(recipe, readyTimeoutMs: 1_000), on: loop)
        try runLoop(loop, timeout: 30_000)
        let failure = try #require(events.failures.first)
        #expect(failure.hasPrefix("fake did not accept TCP connections on 127.0.0.1:"), "\(failure)")
        #expect(failure.hasSuffix(" within 1 s"), "\(failure)")
        // Python may not have got as far as writing it within the second on a busy machine.
        #expect(eventually(seconds: 20) { recipe.pid("leader.pid") != nil })
        let leader = try #require(recipe.pid("leader.pid"))
        #expect(try Self.terminate(runner, on: loop))
        #expect(eventually { !isAlive(leader) })
    }

    static func setup(_ recipe: FakeRecipe, runBuild: Bool = false, readyTimeoutMs: UInt64 = 20_000) -> ServerSetup {
        ServerSetup(
            node: "server", host: "local", system: "fake", container: recipe.directory, protocolKind: .tcpEcho,
            bindHost: "127.0.0.1", port: 0, environment: [], buildDirectory: recipe.directory, runBuild: runBuild,
            readyTimeoutMs: readyTimeoutMs, sampleIntervalMs: 20, cellID: "test", limits: nil, threads: 1)
    }

    /// A runner for `setup` on `loop`, started; the test runs the loop.
    static func start(_ setup: ServerSetup, on loop: Loop, clock: (() -> UInt64)? = nil) throws -> (ServerRunner, RunnerEvents) {
        let events = RunnerEvents(loop: loop)
        let runner: ServerRunner
        if let clock {
            runner = try ServerRunner(
                loop: loop, setup: setup, selfExecutable: "/nonexistent", callbacks: events.callbacks, clock: clock)
        } else {
            runner = try ServerRunner(loop: loop, setup: setup, selfExecutable: "/nonexistent", callbacks: events.callbacks)
        }
        runner.start()
        return (runner, events)
    }

    /// Terminates `runner` and runs `loop` until its completion (15 s at most); true once it ran.
    static func terminate(_ runner: ServerRunner, on loop: Loop, graceMs: UInt64 = 2000) throws -> Bool {
        var stopped = false
        runner.terminate(graceMs: graceMs) {
            stopped = true
            loop.stop()
        }
        try runLoop(loop, timeout: 15_000)
        return stopped
    }

    /// Runs `loop` for `ms` (its timers sample meanwhile).
    static func run(_ loop: Loop, forMs ms: UInt64) throws {
        let timer = try Timer(loop: loop)
        try timer.start(after: ms) { loop.stop() }
        try runLoop(loop, timeout: ms + 10_000)
        timer.close()
    }
}

/// Milliseconds that move only when the test says so.
final class FakeClock {
    var ms: UInt64
    init(ms: UInt64) { self.ms = ms }
}

/// What a runner reported; a ready or a failure stops the loop, so the test goes on.
final class RunnerEvents {
    var ready: [ServerReadyReport] = []
    var failures: [String] = []
    var building = 0
    private let loop: Loop

    init(loop: Loop) { self.loop = loop }

    var callbacks: ServerRunner.Callbacks {
        ServerRunner.Callbacks(
            ready: { [self] report in
                ready.append(report)
                loop.stop()
            },
            failed: { [self] reason in
                failures.append(reason)
                loop.stop()
            },
            building: { [self] in building += 1 })
    }
}
