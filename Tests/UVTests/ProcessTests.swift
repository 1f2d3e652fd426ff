import Testing
import UV
import UVTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ProcessTests {
    @Test func capturesStdoutAndExitStatus() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let stdout = try Pipe(loop: loop)
        var exit: (status: Int64, signal: Int32)?
        let process = try Process(
            loop: loop,
            options: .init(executable: "/bin/sh", arguments: ["-c", "echo hi; exit 3"], stdout: .pipe(stdout))
        ) { status, signal in exit = (status, signal) }
        var output: [UInt8] = []
        var ended = false
        // Exit and EOF may come in either order; the loop runs until both happened.
        try stdout.startReading(
            onData: { output.append(contentsOf: $0) },
            onEnd: { error in
                #expect(error == nil)
                ended = true
                stdout.close()
            })
        #expect(process.pid > 0)
        try runLoop(loop)
        #expect(String(decoding: output, as: UTF8.self) == "hi\n")
        #expect(ended)
        #expect(exit?.status == 3)
        #expect(exit?.signal == 0)
        #expect(process.isClosing, "the handle closes itself after onExit")
        #expect(throws: UVError.self) { try process.kill(SIGTERM) }
    }

    @Test func reportsTheKillingSignal() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        var exit: (status: Int64, signal: Int32)?
        let process = try Process(loop: loop, options: .init(executable: "/bin/sleep", arguments: ["30"])) {
            exit = ($0, $1)
        }
        try process.kill(SIGKILL)
        try runLoop(loop)
        #expect(exit?.signal == 9)
    }

    @Test func missingExecutableThrowsENOENTAndNeverExits() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let stdout = try Pipe(loop: loop)
        var exited = false
        do {
            _ = try Process(
                loop: loop,
                options: .init(executable: "/nonexistent/barrage-no-such-binary", stdout: .pipe(stdout))
            ) { _, _ in exited = true }
            Issue.record("spawn unexpectedly succeeded")
        } catch let error as UVError {
            #expect(error.name == "ENOENT")
        }
        #expect(stdout.isClosing, "a pipe that can no longer be connected is closed")
        try runLoop(loop)  // lets the failed handle's close callback run
        #expect(!exited)
    }

    @Test func detachedChildsGroupCanBeKilled() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let stdout = try Pipe(loop: loop)
        var exit: (status: Int64, signal: Int32)?
        // The shell's background `sleep` is a grandchild; only a group kill reaches it.
        let process = try Process(
            loop: loop,
            options: .init(
                executable: "/bin/sh", arguments: ["-c", "sleep 30 & echo $!; wait"],
                stdout: .pipe(stdout), detached: true)
        ) { exit = ($0, $1) }
        var output: [UInt8] = []
        var grandchild: Int32?
        try stdout.startReading(
            onData: { bytes in
                output.append(contentsOf: bytes)
                guard grandchild == nil, output.last == UInt8(ascii: "\n") else { return }
                grandchild = Int32(String(decoding: output.dropLast(), as: UTF8.self))
                do {
                    try Process.kill(pid: -process.pid, signal: SIGKILL)
                } catch {
                    Issue.record("group kill failed: \(error)")
                }
            },
            onEnd: { _ in stdout.close() })
        try runLoop(loop)
        #expect(exit?.signal == 9)
        let sleeper = try #require(grandchild)
        #expect(waitUntilDead(sleeper), "grandchild \(sleeper) survived the group kill")
    }
}

/// Polls `/proc` for up to 2 s. A zombie counts as dead: the grandchild is reparented to an
/// init that (in a container) may never reap it, so `kill(pid, 0)` would still succeed.
private func waitUntilDead(_ pid: Int32) -> Bool {
    for _ in 0..<200 {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = fread(&bytes, 1, bytes.count, file)
        fclose(file)
        guard count > 0 else { return true }
        let stat = String(decoding: bytes[..<count], as: UTF8.self)
        if let paren = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: paren)...].dropFirst().first
            if state == "Z" || state == "X" { return true }
        }
        usleep(10_000)
    }
    return false
}
