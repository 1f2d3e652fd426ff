import Testing

@testable import Topology

/// `workload.metadata`, `deadline` and `compression`: read into the workload, and every bad
/// value reported at its own line and column.
@Suite struct CallOptionsTests {
    /// The minimal file speaking gRPC, with `extra` lines added to its workload (from line 15).
    private func grpc(_ extra: String, protocolName: String = "grpc") -> String {
        minimal(replacingLine: 12, with: "  protocol: \(protocolName)")
            .replacingLine(14, with: "  connections: 10\n" + extra)
    }

    @Test func optionsAreReadIntoTheWorkload() throws {
        let text = grpc(
            """
              metadata: { authorization: "Bearer s3cret", trace-bin: "AAEC" }
              deadline: 200ms
              compression: gzip
            """)
        let workload = try parse(text).get().workload
        #expect(
            workload.metadata == [
                MetadataEntry(name: "authorization", value: "Bearer s3cret"), MetadataEntry(name: "trace-bin", value: "AAEC")
            ])
        #expect(workload.deadlineMilliseconds == 200)
        #expect(workload.compression == .gzip)
    }

    @Test func defaultsAreNoneAndIdentity() throws {
        let workload = try parse(grpc("")).get().workload
        #expect(workload.metadata.isEmpty)
        #expect(workload.deadlineMilliseconds == nil)
        #expect(workload.compression == .identity)
    }

    @Test(
        arguments: [
            ("  metadata: { Authorization: x }", 15, 15, "metadata key 'Authorization' must be a lower-case header name"),
            ("  metadata: { grpc-timeout: 1m }", 15, 15, "metadata key 'grpc-timeout' is reserved"),
            ("  metadata: { te: x }", 15, 15, "metadata key 'te' is reserved"),
            ("  metadata: { key-bin: \"not base64!\" }", 15, 24, "metadata 'key-bin' ends in -bin, so its value must be base64"),
            ("  metadata: [a]", 15, 13, "metadata must be a mapping"),
            ("  deadline: 0ms", 15, 13, "deadline must be greater than 0"),
            ("  deadline: soon", 15, 13, "deadline must be"),
            ("  compression: zstd", 15, 16, "unknown compression 'zstd'; use identity or gzip")
        ] as [(String, Int, Int, String)])
    func badValuesAreReportedWhereTheyAre(line: String, expectedLine: Int, column: Int, message: String) {
        let found = diagnostics(grpc(line))
        let match = found.first { $0.line == expectedLine && $0.column == column && $0.message.hasPrefix(message) }
        #expect(match != nil, "expected \(expectedLine):\(column) '\(message)'; got:\n\(TopologyErrors(diagnostics: found))")
    }

    @Test func tcpEchoHasNoCallOptions() {
        let found = diagnostics(grpc("  deadline: 1s", protocolName: "tcp-echo"))
        #expect(found.map(\.message) == ["deadline only applies to protocol grpc"])
    }
}
