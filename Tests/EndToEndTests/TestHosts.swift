import Foundation
import Testing

/// Three SSH hosts in network namespaces on this machine (`Tests/fixtures/test-hosts.sh`),
/// torn down when the test is done, also after a failed one.
final class TestHosts {
    let directory: String
    static let script = Harness.packageRoot + "/Tests/fixtures/test-hosts.sh"
    /// Namespace names and subnet of their own, so a developer's manual fixture does not collide.
    static let environment = ["BARRAGE_NETNS_PREFIX": "bt-e2e-h", "BARRAGE_NETNS_NET": "10.232.7"]

    init() throws {
        directory = NSTemporaryDirectory() + "bt-hosts-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        let up = try Self.run(["up", directory])
        guard up.status == 0 else {
            _ = try? Self.run(["down", directory])
            throw FixtureError(description: "test-hosts.sh up failed: \(up.output)")
        }
    }

    deinit {
        _ = try? Self.run(["down", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    /// The `hosts:` section naming h1, h2, h3 with their identity and known_hosts.
    func hostsYAML() throws -> String {
        try String(contentsOfFile: directory + "/topology-hosts.yaml", encoding: .utf8)
    }

    /// Takes `host`'s link down (packets dropped) or back up.
    func cut(_ host: String) throws { _ = try Self.run(["cut", directory, host]) }
    func heal(_ host: String) throws { _ = try Self.run(["heal", directory, host]) }

    /// Processes running in `host`'s namespace other than its sshd listener.
    func processes(_ host: String) -> [String] {
        guard let result = try? Self.run(["pids", directory, host]) else { return ["(pids failed)"] }
        return result.output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Processes left in any of the three namespaces.
    func leftovers() -> [String] {
        ["h1", "h2", "h3"].flatMap { host in processes(host).map { "\(host): \($0)" } }
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
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
