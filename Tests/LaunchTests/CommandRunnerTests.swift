import Launch
import Testing
import UV

#if canImport(Glibc)
    import Glibc
#endif

/// The short commands before a run: stdin fed, output kept, bounded in time, stoppable.
struct CommandRunnerTests {
    @Test func feedsStdinAndKeepsBothOutputs() throws {
        let input = Array(repeating: UInt8(ascii: "x"), count: 3 << 20)
        var progress: [Int] = []
        let outcome = try CommandRunner.run(
            "/bin/sh", ["-c", "wc -c; echo oops >&2; exit 3"], stdin: input,
            timeoutMs: 10_000, progress: { progress.append($0) })
        #expect(outcome.status == .exited(3))
        #expect(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(input.count))
        #expect(outcome.lastErrorLine == "oops")
        #expect(progress.last == input.count && progress.count == 3)
        #expect(!outcome.timedOut && !outcome.stopped)
    }

    @Test func aCommandPastItsTimeoutIsKilled() throws {
        let outcome = try CommandRunner.run("sleep", ["10"], timeoutMs: 200)
        #expect(outcome.timedOut)
        #expect(outcome.status == .signaled(SIGKILL))
    }

    @Test func stopWhenEndsTheCommandWithSIGTERM() throws {
        var asked = 0
        let outcome = try CommandRunner.run(
            "sleep", ["10"], timeoutMs: 10_000,
            stopWhen: {
                asked += 1
                return asked > 3
            })
        #expect(outcome.stopped && !outcome.timedOut)
        #expect(outcome.status == .signaled(SIGTERM))
    }

    @Test func aStoppedCommandThatIgnoresSIGTERMIsKilledSoon() throws {
        // Ignored signals stay ignored across exec: this sleep shrugs off SIGTERM. Stop it only
        // once the trap is set (the file says so), or SIGTERM could beat the trap.
        let ready = "/tmp/barrage-runner-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(ready) }
        let started = Loop.hrtime()
        let outcome = try CommandRunner.run(
            "/bin/sh", ["-c", "trap '' TERM; : > \(ready); exec sleep 20"], timeoutMs: 60_000,
            stopWhen: { access(ready, F_OK) == 0 })
        let seconds = Double(Loop.hrtime() - started) / 1e9
        #expect(outcome.ending == .stopped)
        #expect(outcome.status == .signaled(SIGKILL))
        #expect(seconds < 10, "took \(seconds) s, not its 60 s timeout")
    }
}
