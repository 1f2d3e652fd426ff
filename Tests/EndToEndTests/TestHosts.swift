import Foundation
import Testing

/// SSH hosts h1…hN (three unless asked) in network namespaces on this machine
/// (`Tests/fixtures/test-hosts.sh`), torn down when the test is done, also after a failed one.
final class TestHosts {
    let directory: String
    /// h1 … hN.
    let names: [String]
    static let script = Harness.packageRoot + "/Tests/fixtures/test-hosts.sh"
    /// Namespace names and subnet of their own, so a developer's manual fixture does not collide.
    static let environment = ["BARRAGE_NETNS_PREFIX": "bt-e2e-h", "BARRAGE_NETNS_NET": "10.232.7"]
    /// What this fixture's commands run with: a suite that brings up another number of hosts
    /// uses a prefix and subnet of its own, so it never meets another suite's namespaces.
    let environment: [String: String]

    init(count: Int = 3, prefix: String? = nil, net: String? = nil) throws {
        directory = NSTemporaryDirectory() + "bt-hosts-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        names = (1...count).map { "h\($0)" }
        var environment = Self.environment
        if let prefix { environment["BARRAGE_NETNS_PREFIX"] = prefix }
        if let net { environment["BARRAGE_NETNS_NET"] = net }
        environment["BARRAGE_NETNS_COUNT"] = String(count)
        self.environment = environment
        let up = try Self.run(["up", directory], environment: environment)
        guard up.status == 0 else {
            _ = try? Self.run(["down", directory], environment: environment)
            throw FixtureError(description: "test-hosts.sh up failed: \(up.output)")
        }
    }

    deinit {
        _ = try? Self.run(["down", directory], environment: environment)
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    /// The `hosts:` section naming h1 … hN with their identity and known_hosts.
    func hostsYAML() throws -> String {
        try String(contentsOfFile: directory + "/topology-hosts.yaml", encoding: .utf8)
    }

    /// Takes `host`'s link down (packets dropped) or back up.
    func cut(_ host: String) throws { _ = try Self.run(["cut", directory, host], environment: environment) }
    func heal(_ host: String) throws { _ = try Self.run(["heal", directory, host], environment: environment) }

    /// Processes running in `host`'s namespace other than its sshd listener.
    func processes(_ host: String) -> [String] {
        guard let result = try? Self.run(["pids", directory, host], environment: environment) else { return ["(pids failed)"] }
        return result.output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Once `run` is measuring, SIGKILLs the first process in `host`'s namespace whose command
    /// line holds `command`; false if none turned up within `timeout` seconds.
    func killOnceMeasuring(_ run: Harness.Run, on host: String, commandContaining command: String, timeout: Double) -> Bool {
        var victim: Int32?
        let found = Harness.eventually(timeout: timeout) {
            guard run.stderr.contains("measuring") else { return false }
            victim = processes(host).first { $0.contains(command) }?.split(separator: " ").first.flatMap { Int32($0) }
            return victim != nil
        }
        guard found, let victim else { return false }
        kill(victim, SIGKILL)
        return true
    }

    /// Processes left in any of the namespaces.
    func leftovers() -> [String] {
        names.flatMap { host in processes(host).map { "\(host): \($0)" } }
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
