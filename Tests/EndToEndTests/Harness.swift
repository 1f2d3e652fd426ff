import Foundation
import Testing

/// Runs the real `barrage` binary in real processes and reads what it wrote.
enum Harness {
    /// The binary under test: `$BARRAGE_BIN` (what `make test` sets), else the debug build.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BARRAGE_BIN"], !path.isEmpty { return path }
        return packageRoot + "/.build/debug/barrage"
    }

    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A fresh scratch folder for one test.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "barrage-e2e-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A started `barrage` process with its output captured to files.
    final class Run {
        let process = Process()
        let stdoutPath: String
        let stderrPath: String

        /// `environment`: added to this process's own for the run.
        init(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws {
            stdoutPath = folder + "/stdout.txt"
            stderrPath = folder + "/stderr.txt"
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Harness.binary)
            process.arguments = arguments
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            process.currentDirectoryURL = URL(fileURLWithPath: Harness.packageRoot)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits for the exit, at most `timeout` seconds (then kills it and records an issue).
        @discardableResult
        func wait(timeout: Double) -> Int32 {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                Issue.record("barrage did not exit within \(timeout) s; killing it")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            return process.terminationStatus
        }

        var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    }

    /// Runs `barrage ARGS` to the end.
    static func run(_ arguments: [String], in folder: String, timeout: Double = 120, environment: [String: String] = [:])
        throws -> (status: Int32, stdout: String, stderr: String, pid: Int32)
    {
        let run = try Run(arguments, in: folder, environment: environment)
        let status = run.wait(timeout: timeout)
        return (status, run.stdout, run.stderr, run.process.processIdentifier)
    }

    /// Writes a topology file into `folder`.
    static func topology(_ text: String, in folder: String, name: String = "topology.yaml") throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// summary.json as a dictionary.
    static func summary(_ resultsDirectory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: resultsDirectory + "/summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func cells(_ summary: [String: Any]) -> [[String: Any]] {
        summary["cells"] as? [[String: Any]] ?? []
    }

    /// Every cell, one per system of `systems` in order, ended ok having answered more than
    /// `moreThan` calls of `call` with no error, over all `connections` it asked for.
    static func expectEveryCellAnswered(
        _ cells: [[String: Any]], systems: [String], call: String, moreThan minimum: Int, connections: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(cells.map { $0["system"] as? String } == systems, sourceLocation: sourceLocation)
        for cell in cells {
            let label = "\(cell["system"] as? String ?? "?") \(call)"
            #expect(cell["status"] as? String == "ok", "\(label): \(cell["error"] ?? "")", sourceLocation: sourceLocation)
            #expect(
                (cell["requests"] as? Int ?? 0) > minimum, "\(label): \(cell["requests"] ?? 0) requests",
                sourceLocation: sourceLocation)
            #expect(cell["errors"] as? Int == 0, "\(label): \(cell["errors_by_kind"] ?? "")", sourceLocation: sourceLocation)
            let clients = cell["clients"] as? [String: Any]
            #expect(
                clients?["connections_established"] as? Int == connections, "\(label): \(clients ?? [:])",
                sourceLocation: sourceLocation)
        }
    }

    /// Processes this checkout's Barrage may have started (workers, the builtin server, the
    /// recipes' servers), other than those in `except`. Matched by path, so another checkout's
    /// Barrage running on the same machine is not mistaken for a leftover of these tests.
    static func barrageProcesses(except: Set<Int32> = []) -> [String] {
        processes { pid, command in
            // The binary runs under its resolved path (.build/<triple>/debug/barrage), and the
            // test runner itself (.build/…/barragePackageTests.xctest) must not match.
            let ourBarrage = command.hasPrefix(packageRoot + "/.build/") && command.contains("/barrage ")
            return !except.contains(pid)
                && (ourBarrage || command.contains(packageRoot + "/Containers/") || command.contains(testServerMarker))
        }
    }

    /// Every live process whose command line (arguments joined by spaces) contains `text`,
    /// as "PID: COMMAND".
    static func processes(containing text: String) -> [String] {
        processes { _, command in command.contains(text) }
    }

    /// Every live process that `matches`, as "PID: COMMAND".
    static func processes(where matches: (Int32, String) -> Bool) -> [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
                continue
            }
            // Zombies have an empty cmdline and do not match.
            let command = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if matches(pid, command) { found.append("\(pid): \(command)") }
        }
        return found
    }

    /// Writes `Containers/<name>/run` under `folder`: a Python asyncio tcp-echo server that
    /// runs `misbehaviour` (Python statements, `loop` in scope) once it listens. Returns the
    /// Containers folder.
    static func echoRecipe(in folder: String, name: String, misbehaviour: String) throws -> String {
        let containers = folder + "/Containers"
        let recipe = containers + "/" + name
        try FileManager.default.createDirectory(atPath: recipe, withIntermediateDirectories: true)
        let indented = misbehaviour.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        try """
        #!/bin/sh
        exec python3 -c '
        # \(testServerMarker)
        import asyncio, os
        class Echo(asyncio.Protocol):
            def connection_made(self, t): self.t = t
            def data_received(self, d): self.t.write(d)
        async def main():
            loop = asyncio.get_running_loop()
            await loop.create_server(Echo, os.environ["BARRAGE_HOST"], int(os.environ["BARRAGE_PORT"]))
        \(indented)
            await asyncio.sleep(3600)
        asyncio.run(main())
        '
        """.write(toFile: recipe + "/run", atomically: true, encoding: .utf8)
        chmod(recipe + "/run", 0o755)
        return containers
    }

    /// Put into the command line of servers that tests write themselves, so they are found too;
    /// with this checkout's path, so another checkout's tests running meanwhile are not.
    static let testServerMarker = "barrage-e2e-test-server " + packageRoot

    static func barragePIDs() -> Set<Int32> {
        Set(barrageProcesses().compactMap { Int32($0.prefix { $0 != ":" }) })
    }

    /// How the ssh socket folders of coordinator `pid` begin (`mkdtemp` adds a random part).
    static func sshControlPrefix(_ pid: Int32) -> String { "/tmp/barrage-ssh-\(pid)-" }

    /// The ssh socket folders coordinator `pid` left in /tmp.
    static func sshControlFolders(_ pid: Int32) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).map { "/tmp/" + $0 }
            .filter { $0.hasPrefix(sshControlPrefix(pid)) }
    }

    /// Polls `condition` every 50 ms for at most `timeout` seconds.
    static func eventually(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// A port nothing listens on now: the kernel's pick for a socket bound to port 0. Not a
    /// random one: in the ephemeral range (32768–60999) the thousands of connections the
    /// suites open may hold it, and the server's bind then fails (seen twice on 2026-12-07).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket: \(errno)")
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        precondition(bound, "binding 127.0.0.1:0: \(errno)")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` now.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
