import Foundation
import Metrics
import Testing

@testable import Report

/// summary.json's `hosts`, `systems`, `barrage_commit`, `topology_sha256`, and the versions
/// line under the comparison's heading.
@Suite struct ProvenanceTests {
    static let builtin = SystemVersions(
        name: "builtin", container: "builtin",
        versions: ["barrage": "0.1.0", "libuv": "1.44.2", "nghttp2": "1.52.0"])
    static let grpcGo = SystemVersions(
        name: "grpc-go", container: "grpc-go",
        versions: [
            "grpc-go": "1.33.3", "protobuf-go": "1.28.1", "go": "1.19.8", "protoc": "3.21.12"
        ])
    static let host = HostFacts(
        name: "local", hostname: "vm", kernel: "6.1.0-13-amd64", cpuModel: "AMD EPYC 7B13",
        cores: 2, memoryBytes: 24 << 30)

    @Test func theHeaderLineNamesEachSystemsVersionsCompactly() {
        #expect(VersionsLine.describe(Self.grpcGo) == "grpc-go 1.33.3 (go 1.19.8)")
        #expect(VersionsLine.describe(Self.builtin) == "builtin (barrage 0.1.0, libuv 1.44.2, nghttp2 1.52.0)")
        let python = SystemVersions(
            name: "grpc-python", container: "grpc-python",
            versions: ["Python": "3.11.2", "grpcio": "1.59.0", "grpcio-tools": "1.59.0", "protobuf": "4.25.1"])
        #expect(
            VersionsLine.describe(python) == "grpc-python (grpcio 1.59.0, grpcio-tools 1.59.0, protobuf 4.25.1, Python 3.11.2)")
        let renamed = SystemVersions(name: "go-tuned", container: "grpc-go", versions: Self.grpcGo.versions)
        #expect(VersionsLine.describe(renamed) == "go-tuned: grpc-go 1.33.3 (go 1.19.8)")
        #expect(VersionsLine.describe(SystemVersions(name: "python-echo", container: "python-echo", versions: [:])) == nil)
        #expect(
            VersionsLine.line([Self.builtin, Self.grpcGo])
                == "versions: builtin (barrage 0.1.0, libuv 1.44.2, nghttp2 1.52.0) · grpc-go 1.33.3 (go 1.19.8)")
        #expect(VersionsLine.line([]) == nil)
    }

    @Test func theTableAndMarkdownShowTheVersionsUnderTheHeading() {
        var run = Fixtures.run()
        run.systems = [Self.builtin, Self.grpcGo]
        let lines = ReportRenderer.render(run, format: .table).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("topology quick-local"))
        #expect(lines[1] == "versions: builtin (barrage 0.1.0, libuv 1.44.2, nghttp2 1.52.0) · grpc-go 1.33.3 (go 1.19.8)")
        #expect(lines[2].isEmpty)
        let markdown = ReportRenderer.render(run, format: .markdown)
        #expect(
            markdown.contains(
                "(barrage 0.1.0)\n\nversions: builtin (barrage 0.1.0, libuv 1.44.2, nghttp2 1.52.0) · grpc-go 1.33.3 (go 1.19.8)\n\n| system"
            ))
        // Without versions the heading stands alone, as before.
        #expect(!ReportRenderer.render(Fixtures.run(), format: .table).contains("versions:"))
    }

    @Test func provenanceIsWrittenWithTheContractsKeysAndReadBack() throws {
        var run = Fixtures.run()
        run.hosts = [Self.host]
        run.systems = [Self.builtin]
        run.barrageCommit = String(repeating: "ab", count: 20)
        run.topologySHA256 = String(repeating: "0f", count: 32)
        let data = ReportRenderer.encodeJSON(run)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(Set(hosts[0].keys) == ["name", "hostname", "kernel", "cpu_model", "cores", "memory_bytes"])
        #expect(hosts[0]["memory_bytes"] as? Int == 24 << 30)
        let systems = try #require(json["systems"] as? [[String: Any]])
        #expect(Set(systems[0].keys) == ["name", "container", "versions"])
        #expect(systems[0]["versions"] as? [String: String] == Self.builtin.versions)
        #expect(json["barrage_commit"] as? String == run.barrageCommit)
        #expect(json["topology_sha256"] as? String == run.topologySHA256)
        #expect(try ReportRenderer.decodeSummary(data) == run)
    }

    @Test func anUnknownCommitIsWrittenAsNull() throws {
        let json = try #require(
            try JSONSerialization.jsonObject(with: ReportRenderer.encodeJSON(Fixtures.run())) as? [String: Any])
        #expect(json["barrage_commit"] is NSNull)
        #expect(json["hosts"] as? [Any] != nil)
    }

    @Test func eachCellsWorkersAddTheirHostsAndTheSystemOnce() {
        var run = RunSummary(barrage: "0.1.0", topology: "t", started: "", status: .ok, cells: [])
        var server = Fixtures.server()
        server.systemVersions = Self.grpcGo
        server.hostFacts = Self.host
        var client = Fixtures.client(node: "client-1", host: "loadgen", requests: 1, cpuSeconds: 0)
        client.hostFacts = HostFacts(name: "loadgen", hostname: "lg", kernel: "6.1", cpuModel: "", cores: 4, memoryBytes: 1)
        run.noteProvenance(servers: [server], clients: [client], systemOrder: ["builtin", "grpc-go"])
        server.systemVersions = Self.builtin
        run.noteProvenance(servers: [server], clients: [client], systemOrder: ["builtin", "grpc-go"])
        #expect(run.hosts.map(\.name) == ["loadgen", "local"])
        #expect(run.systems == [Self.builtin, Self.grpcGo])
        // A cell whose workers reported nothing (older files, a failed start) adds nothing.
        run.noteProvenance(
            servers: [], clients: [Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 0)],
            systemOrder: [])
        #expect(run.hosts.count == 2 && run.systems.count == 2)
        // Every replica's host is a host of the run.
        var second = server
        second.node = "server-2"
        second.host = "h2"
        second.hostFacts = HostFacts(name: "h2", hostname: "h2", kernel: "6.1", cpuModel: "", cores: 2, memoryBytes: 1)
        run.noteProvenance(servers: [server, second], clients: [], systemOrder: [])
        #expect(run.hosts.map(\.name) == ["h2", "loadgen", "local"])
        #expect(run.systems.count == 2)
    }
}
