import Testing

@testable import Topology

/// One bad file and the diagnostic it must produce.
struct BadFile: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var line: Int
    var column: Int
    var message: String
    /// How many diagnostics in total; most mistakes must produce exactly one (no cascades).
    var total = 1

    var testDescription: String { name }
}

/// `minimalExample` with the given 1-based lines replaced (a replacement may span several lines).
private func edit(_ replacements: [Int: String]) -> String {
    var lines = minimalExample.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for (line, text) in replacements {
        lines[line - 1] = text
    }
    return lines.joined(separator: "\n")
}

private let badFiles: [BadFile] = [
    BadFile(
        name: "bad run name", text: edit([1: "name: Quick_Local"]),
        line: 1, column: 7, message: "bad name 'Quick_Local'"),
    BadFile(
        name: "typo in a key suggests the right one", text: edit([14: "  conections: 10"]),
        line: 14, column: 3, message: "unknown key 'conections' in workload; did you mean 'connections'?",
        total: 2),
    BadFile(
        name: "missing required key is reported at the parent mapping", text: edit([14: "  conections: 10"]),
        line: 12, column: 3, message: "missing required key 'connections' in workload", total: 2),
    BadFile(
        name: "missing server host", text: edit([8: "  port: 80"]),
        line: 8, column: 3, message: "missing required key 'host' in server (or 'hosts': a list, one server replica on each)"),
    BadFile(
        name: "duplicate key", text: edit([13: "  payload: 1KiB\n  payload: 2KiB"]),
        line: 14, column: 3, message: "duplicate key 'payload' in workload (first at 13:3)"),
    BadFile(
        name: "list where a mapping goes", text: edit([7: "server: [local]", 8: "# none"]),
        line: 7, column: 9, message: "server must be a mapping, found a list"),
    BadFile(
        name: "mapping where a list goes", text: edit([10: "  host: local"]),
        line: 10, column: 3, message: "clients must be a list, found a mapping"),
    BadFile(
        name: "unknown server host", text: edit([8: "  host: lcoal"]),
        line: 8, column: 9, message: "unknown host 'lcoal' in server host; did you mean 'local'? Known hosts: local"),
    BadFile(
        name: "unknown client host", text: edit([10: "  - host: loadgen-2"]),
        line: 10, column: 11, message: "unknown host 'loadgen-2' in client group 1 host"),
    BadFile(
        name: "unknown container lists the known ones", text: edit([6: "    container: ngnix"]),
        line: 6, column: 16,
        message: "unknown container 'ngnix'; did you mean 'nginx'? Known containers: builtin, envoy, nginx"),
    BadFile(
        name: "unknown container with no near name still lists the known ones",
        text: edit([6: "    container: zookeeper"]),
        line: 6, column: 16, message: "unknown container 'zookeeper'; known containers: builtin, envoy, nginx"),
    BadFile(
        name: "duplicate system name",
        text: edit([6: "    container: builtin\n  - name: builtin\n    container: nginx"]),
        line: 7, column: 11, message: "duplicate system name 'builtin' (first at 5:11)"),
    BadFile(
        name: "unknown size unit", text: edit([13: "  payload: 1KB"]),
        line: 13, column: 12, message: "payload must be a size in B, KiB, MiB or GiB (unknown unit 'KB')"),
    BadFile(
        name: "fractional size", text: edit([13: "  payload: 1.5MiB"]),
        line: 13, column: 12, message: "payload must be a whole number of B, KiB, MiB or GiB"),
    BadFile(
        name: "duration without unit", text: edit([14: "  connections: 10\n  duration: 10"]),
        line: 15, column: 13, message: "duration must be a whole number of ms, s or m (e.g. 500ms, 2s, 1m), found '10'"),
    BadFile(
        name: "zero duration", text: edit([14: "  connections: 10\n  duration: 0s"]),
        line: 15, column: 13, message: "duration must be greater than 0, found 0s"),
    BadFile(
        name: "warmup over a day", text: edit([14: "  connections: 10\n  warmup: 1441m"]),
        line: 15, column: 11, message: "warmup 1441m is out of range; at most 24 hours"),
    BadFile(
        name: "zero workers", text: edit([10: "  - host: local\n    workers: 0"]),
        line: 11, column: 14, message: "workers must be at least 1, found 0"),
    BadFile(
        name: "negative threads", text: edit([10: "  - host: local\n    threads: -3"]),
        line: 11, column: 14, message: "threads must be at least 1, found -3"),
    BadFile(
        name: "fractional workers", text: edit([10: "  - host: local\n    workers: 1.5"]),
        line: 11, column: 14, message: "workers must be a whole number, found '1.5'"),
    BadFile(
        name: "huge number", text: edit([14: "  connections: 99999999999999999999999"]),
        line: 14, column: 16, message: "connections 99999999999999999999999 is out of range; at most 1000000"),
    BadFile(
        name: "huge negative number", text: edit([10: "  - host: local\n    workers: -99999999999999999999999"]),
        line: 11, column: 14, message: "workers -99999999999999999999999 is out of range"),
    BadFile(
        name: "port out of range", text: edit([8: "  host: local\n  port: 70000"]),
        line: 9, column: 9, message: "port 70000 is out of range; at most 65535"),
    BadFile(
        name: "server on this machine unreachable for ssh clients",
        text: edit([3: "  local:\n  far:\n    ssh: bench@far", 10: "  - host: far"]),
        line: 10, column: 9,
        message: "the server runs on this machine (host 'local') but clients on ssh host 'far' "
            + "cannot reach it at 127.0.0.1 (that is their own machine); give host 'local' an `address:`"),
    BadFile(
        name: "ssh target without user", text: edit([3: "  local:\n  far:\n    ssh: 10.0.0.1"]),
        line: 5, column: 10, message: "bad ssh target: no user in '10.0.0.1'"),
    BadFile(
        name: "ssh port zero", text: edit([3: "  local:\n  far:\n    ssh: bench@far:0"]),
        line: 5, column: 10, message: "bad ssh target: bad ssh port in 'bench@far:0'; the port must be 1...65535"),
    BadFile(
        name: "ssh user that looks like an option", text: edit([3: "  local:\n  far:\n    ssh: -oProxy@far"]),
        line: 5, column: 10, message: "bad ssh target: bad ssh user"),
    BadFile(
        name: "bad rate", text: edit([14: "  connections: 10\n  rate: fast"]),
        line: 15, column: 9,
        message: "rate must be 'max', 'search', a total request rate such as '20000/s', or a list of rates, found 'fast'"),
    BadFile(
        name: "zero rate", text: edit([14: "  connections: 10\n  rate: 0/s"]),
        line: 15, column: 9, message: "rate must be greater than 0/s, found 0/s"),
    BadFile(
        // Its spacing (10^20 ns) does not fit the load path's clock: it trapped every client worker.
        name: "rate too low to send", text: edit([14: "  connections: 10\n  rate: 0.00000000001/s"]),
        line: 15, column: 9, message: "rate must be at least 0.001/s, found 0.00000000001/s"),
    BadFile(
        name: "concurrency above 1 with tcp-echo", text: edit([14: "  connections: 10\n  concurrency: 4"]),
        line: 15, column: 16, message: "concurrency must be 1 for protocol tcp-echo"),
    BadFile(
        name: "stream call with tcp-echo", text: edit([14: "  connections: 10\n  call: stream"]),
        line: 15, column: 9, message: "call 'stream' only applies to protocol grpc"),
    BadFile(
        name: "unknown protocol", text: edit([12: "  protocol: http"]),
        line: 12, column: 13, message: "unknown protocol 'http'; use tcp-echo or grpc"),
    BadFile(
        name: "fewer connections than client workers",
        text: edit([10: "  - host: local\n    workers: 3", 14: "  connections: [2, 10]"]),
        line: 15, column: 17,
        message: "connections 2 is fewer than the 3 client workers; each client worker needs at least one connection"),
    BadFile(
        name: "duplicate connection count", text: edit([14: "  connections: [10, 20, 10]"]),
        line: 14, column: 25, message: "duplicate connection count 10 (first at 14:17)"),
    BadFile(
        name: "payload over 16 MiB", text: edit([13: "  payload: 32MiB"]),
        line: 13, column: 12, message: "payload 32MiB is out of range; at most 16 MiB"),
    BadFile(
        name: "bad host name", text: edit([3: "  Local:", 8: "  host: Local", 10: "  - host: Local"]),
        line: 3, column: 3, message: "bad host name 'Local'"),
    BadFile(
        name: "identity on a local host", text: edit([3: "  local:\n    identity: ~/.ssh/id"]),
        line: 4, column: 5, message: "'identity' only applies to SSH hosts; host 'local' has no 'ssh'"),
    BadFile(
        name: "env given as a list", text: edit([6: "    container: builtin\n    env: [A, B]"]),
        line: 7, column: 10, message: "env must be a mapping of NAME: value, found a list"),
    BadFile(
        name: "bad env variable name", text: edit([6: "    container: builtin\n    env: { 1X: a }"]),
        line: 7, column: 12, message: "bad environment variable name '1X'"),
    BadFile(
        name: "descending cpuset", text: edit([8: "  host: local\n  limits: { cpuset: \"3-1\" }"]),
        line: 9, column: 21, message: "cpuset must list CPUs like '0-3' or '0,2'"),
    BadFile(
        name: "zero cpus", text: edit([8: "  host: local\n  limits: { cpus: 0 }"]),
        line: 9, column: 19, message: "cpus must be greater than 0, found 0"),
    BadFile(
        name: "memory that overflows", text: edit([8: "  host: local\n  limits: { memory: 99999999999999GiB }"]),
        line: 9, column: 21, message: "memory 99999999999999GiB is out of range"),
    BadFile(
        name: "unknown top-level key lists allowed keys", text: edit([1: "name: min\nfrobnicate: 3"]),
        line: 2, column: 1,
        message: "unknown key 'frobnicate' at the top level; allowed keys: name, hosts, systems, server, clients, workload"),
    BadFile(
        name: "complex key", text: edit([1: "name: min\n? [a, b]\n: 1"]),
        line: 2, column: 3, message: "keys at the top level must be plain names, found a list"),
    BadFile(
        name: "empty systems list", text: edit([4: "systems: []", 5: "#", 6: "#"]),
        line: 4, column: 10, message: "systems must list at least one system"),
    BadFile(
        name: "alias", text: edit([3: "  local: &h", 8: "  host: *h"]),
        line: 8, column: 9, message: "aliases (*h) are not supported in topology files"),
    BadFile(
        name: "second document", text: minimalExample + "---\nname: other\n",
        line: 15, column: 1, message: "a topology file holds one YAML document; found a second one"),
    BadFile(
        name: "top level is a list", text: "- a\n- b\n",
        line: 1, column: 1, message: "the top level of a topology file must be a mapping"),
    BadFile(
        name: "required key without a value", text: edit([1: "name:"]),
        line: 1, column: 6, message: "'name' needs a value"),
    BadFile(
        name: "YAML syntax error", text: edit([14: "  connections: [1, 2"]),
        line: 15, column: 1, message: "YAML syntax error: did not find expected ',' or ']'")
]

@Suite struct BadFileTests {
    @Test(arguments: badFiles)
    func reportsTheExactPositionAndMessage(_ bad: BadFile) {
        let found = diagnostics(bad.text)
        let match = found.first { $0.line == bad.line && $0.column == bad.column && $0.message.contains(bad.message) }
        #expect(match != nil, "expected \(bad.line):\(bad.column) '\(bad.message)'; got:\n\(TopologyErrors(diagnostics: found))")
        #expect(found.count == bad.total, "got:\n\(TopologyErrors(diagnostics: found))")
        #expect(found.allSatisfy { $0.file == "t.yaml" })
    }

    @Test func threeDifferentProblemsAreAllReportedInFileOrder() {
        let text = edit([1: "name: Bad Name", 6: "    container: ngnix", 14: "  connections: 10\n  concurrency: 4"])
        let found = diagnostics(text)
        #expect(found.map { [$0.line, $0.column] } == [[1, 7], [6, 16], [15, 16]])
        #expect(found.count == 3)
        #expect(found.first?.message.hasPrefix("bad name 'Bad Name'") == true)
        #expect(found.dropFirst().first?.message.hasPrefix("unknown container 'ngnix'") == true)
        #expect(found.last?.message.hasPrefix("concurrency must be 1 for protocol tcp-echo") == true)
    }

    @Test func descriptionIsOneCompilerStyleLinePerProblem() {
        guard case .failure(let errors) = parse(edit([1: "name: Bad", 12: "  protocol: http"])) else {
            Issue.record("expected errors")
            return
        }
        let lines = errors.description.split(separator: "\n").map(String.init)
        let expected =
            "t.yaml:1:7: error: bad name 'Bad': use lowercase letters, digits and '-' "
            + "(starting with a letter or digit, at most 63 characters)"
        #expect(lines.count == 2)
        #expect(lines.first == expected)
        #expect(lines.last?.hasPrefix("t.yaml:12:13: error: unknown protocol 'http'") == true)
    }

    @Test func everyMissingTopLevelKeyIsReported() {
        let found = diagnostics("name: x\n")
        #expect(
            found.map(\.message) == ["hosts", "systems", "server", "clients"].map {
                "missing required key '\($0)' at the top level"
            } + ["missing required key 'workload' (or 'scenarios') at the top level"])
        #expect(found.allSatisfy { $0.line == 1 && $0.column == 1 })
    }
}
