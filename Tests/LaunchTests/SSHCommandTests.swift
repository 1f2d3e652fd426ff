import Launch
import Testing
import Topology

/// The ssh command lines: batch mode, host keys checked, the command as one last argument.
struct SSHCommandTests {
    static let command = SSHCommand(
        target: SSHTarget(user: "bench", host: "10.0.0.2", port: 2222),
        identity: "/keys/id", knownHosts: "/keys/known", controlPath: "/tmp/c/h2")

    @Test func hostKeysAreCheckedAndNothingPrompts() {
        let arguments = Self.command.arguments(remoteCommand: "true")
        let options = stride(from: 0, to: arguments.count - 1, by: 1).compactMap {
            arguments[$0] == "-o" ? arguments[$0 + 1] : nil
        }
        #expect(options.contains("StrictHostKeyChecking=yes"))
        #expect(options.contains("BatchMode=yes"))
        #expect(options.contains("UserKnownHostsFile=/keys/known"))
        #expect(!options.contains { $0.hasPrefix("StrictHostKeyChecking=") && $0 != "StrictHostKeyChecking=yes" })
        #expect(!options.contains { $0.hasPrefix("UserKnownHostsFile=/dev/null") })
    }

    @Test func targetAndCommandComeLastAfterDashDash() {
        let arguments = Self.command.arguments(remoteCommand: "exec x worker; echo 'y'")
        #expect(Array(arguments.suffix(3)) == ["--", "10.0.0.2", "exec x worker; echo 'y'"])
        #expect(arguments.contains("2222") && arguments.contains("bench"))
        #expect(arguments.firstIndex(of: "-i").map { arguments[$0 + 1] } == "/keys/id")
    }

    @Test func homeRelativePathsExpand() throws {
        let host = Host(name: "h2", ssh: SSHTarget(user: "u", host: "h"), identity: "~/.ssh/id", knownHosts: "~/kh")
        let command = try #require(SSHCommand(host: host, controlDirectory: "/tmp/c", home: "/home/u"))
        #expect(command.identity == "/home/u/.ssh/id")
        #expect(command.knownHosts == "/home/u/kh")
        #expect(command.controlPath == "/tmp/c/h2")
        #expect(SSHCommand(host: Host(name: "local"), controlDirectory: "/tmp/c", home: "/") == nil)
    }
}
