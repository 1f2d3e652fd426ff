import SeededRandom
import Testing

@testable import Topology

/// Hostile or broken input: every case must give diagnostics, never a crash, hang or huge allocation.
@Suite struct MalformedInputTests {
    private func single(
        _ found: [TopologyDiagnostic], _ line: Int, _ column: Int, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(found.count == 1, "got:\n\(TopologyErrors(diagnostics: found))", sourceLocation: sourceLocation)
        #expect(found.first?.line == line, sourceLocation: sourceLocation)
        #expect(found.first?.column == column, sourceLocation: sourceLocation)
        #expect(
            found.first?.message.contains(message) == true, "got: \(found.first?.message ?? "nothing")",
            sourceLocation: sourceLocation)
    }

    @Test func emptyBytesAndEmptyText() {
        single(diagnostics(bytes: []), 1, 1, "empty topology file")
        single(diagnostics(""), 1, 1, "empty topology file")
    }

    @Test func onlyCommentsWhitespaceOrABareDocumentMarkerCountAsEmpty() {
        single(diagnostics("# nothing here\n\n   \n"), 1, 1, "empty topology file")
        single(diagnostics("---\n"), 1, 1, "empty topology file")
        single(diagnostics("~\n"), 1, 1, "empty topology file")
    }

    @Test func scalarTopLevel() {
        single(diagnostics("just some words\n"), 1, 1, "the top level of a topology file must be a mapping")
    }

    @Test func binaryJunkIsReportedAsNotText() {
        // An ELF header: DEL is the very first byte.
        single(
            diagnostics(bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]), 1, 1,
            "file is not text: control character U+007F at byte 0")
        single(diagnostics(bytes: Array("name: x\nhosts:\u{0}".utf8)), 2, 7, "control character U+0000 at byte 14")
        single(diagnostics(bytes: Array("a: é\u{FFFF}".utf8)), 1, 5, "non-character U+FFFF at byte 5")
    }

    @Test func pseudoRandomBinaryNeverCrashes() {
        var generator = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        for length in [1, 2, 7, 64, 4096] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
                let found = diagnostics(bytes: bytes)
                #expect(!found.isEmpty)
                #expect(found.allSatisfy { $0.line >= 1 && $0.column >= 1 })
            }
        }
    }

    @Test func invalidUTF8() {
        single(
            diagnostics(bytes: Array("name: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)), 1, 10,
            "file is not valid UTF-8: bad byte at offset 9")
        // Overlong encoding of '/', a classic; and a lone continuation byte on line 2 after a multi-byte char.
        single(diagnostics(bytes: [0xC0, 0xAF]), 1, 1, "not valid UTF-8")
        single(diagnostics(bytes: Array("a: 1\nb: é".utf8) + [0x80]), 2, 5, "not valid UTF-8")
        // UTF-16 is not accepted: topology files are UTF-8.
        single(diagnostics(bytes: [0xFF, 0xFE, 0x6E, 0x00]), 1, 1, "not valid UTF-8")
    }

    @Test func fileOverOneMebibyteIsRejectedBeforeParsing() {
        let text = "# " + String(repeating: "x", count: 1 << 20) + "\n"
        single(diagnostics(text), 1, 1, "topology file is too large (1048579 bytes; at most 1 MiB)")
    }

    @Test func deepFlowSequences() {
        single(diagnostics(String(repeating: "[", count: 100_000)), 1, 65, "nesting is deeper than 64 levels")
    }

    @Test func deepFlowMappings() {
        single(diagnostics(String(repeating: "{", count: 100_000)), 1, 65, "nesting is deeper than 64 levels")
    }

    @Test func deepAlternatingFlowCollections() {
        single(diagnostics(String(repeating: "[{", count: 50_000)), 1, 65, "nesting is deeper than 64 levels")
    }

    @Test func shallowAndDeepFlowNestingReportTheSameSpot() {
        // 70 brackets is handled from libyaml's events, 100,000 by the look-ahead fallback: same answer.
        single(diagnostics(String(repeating: "[", count: 70)), 1, 65, "nesting is deeper than 64 levels")
    }

    /// `x: ` + 10 brackets (levels 2...11, columns 4...13) + `middle` + 1000 brackets: libyaml gives up
    /// within the first brackets (its look-ahead already saw ~1000 levels), so the fallback scan has to
    /// read through `middle` itself.
    private func deepFlow(around middle: String) -> String {
        "x: " + String(repeating: "[", count: 10) + middle + String(repeating: "[", count: 1_000)
    }

    @Test func deepFlowFallbackSkipsBracketsInQuotedScalars() {
        // Level 65 is the 54th bracket after `middle`, which starts at column 14.
        single(diagnostics(deepFlow(around: #""]]]]", "#)), 1, 21 + 54, "nesting is deeper than 64 levels")
        single(diagnostics(deepFlow(around: #""a\"]]", "#)), 1, 22 + 54, "nesting is deeper than 64 levels")
        single(diagnostics(deepFlow(around: "'it''s ]]', ")), 1, 25 + 54, "nesting is deeper than 64 levels")
    }

    @Test func deepFlowFallbackTreatsQuotesInsidePlainScalarsAsText() {
        single(diagnostics(deepFlow(around: #"a"b, "#)), 1, 18 + 54, "nesting is deeper than 64 levels")
        single(diagnostics(deepFlow(around: "it's, ")), 1, 19 + 54, "nesting is deeper than 64 levels")
    }

    @Test func compactBlockSequencesOnOneLine() {
        // `- - - …`: the 65th dash is at column 129.
        single(diagnostics(String(repeating: "- ", count: 50_000) + "x\n"), 1, 129, "nesting is deeper than 64 levels")
    }

    @Test func indentedBlockSequences() {
        // Line k is k-1 spaces and a dash: 1000 levels (about 500 KB), the deepest that fits in 1 MiB
        // with this shape at any useful width.
        let text = (0..<1_000).map { String(repeating: " ", count: $0) + "-\n" }.joined()
        single(diagnostics(text), 65, 65, "nesting is deeper than 64 levels")
    }

    @Test func fiftyThousandLinesOfNesting() {
        // Block nesting needs ever-deeper indentation, so 50,000 levels of `- ` lines would be over a
        // gigabyte (the 1 MiB cap and `indentedBlockSequences` cover that); flow brackets can open one
        // level per line. Line 1 is `- [` (levels 1 and 2); line k opens level k + 1 at column 2.
        let text = "- [\n" + String(repeating: " [\n", count: 49_999)
        single(diagnostics(text), 64, 2, "nesting is deeper than 64 levels")
    }

    @Test func indentedBlockMappings() {
        let text = (0..<1_000).map { String(repeating: " ", count: $0) + "a:\n" }.joined()
        single(diagnostics(text), 65, 65, "nesting is deeper than 64 levels")
    }

    @Test func depthLimitIsExactly64() {
        // Top-level mapping plus 63 brackets is 64 levels: allowed (the schema then objects to it).
        let ok = "name: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
        #expect(diagnostics(ok).contains { $0.message.contains("name must be a single value, found a list") })
        let deep = "name: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "\n"
        single(diagnostics(deep), 1, 70, "nesting is deeper than 64 levels")
    }

    @Test func hugeNumbersEverywhereAreOutOfRange() {
        let huge = "99999999999999999999999"
        let text = """
            name: huge
            hosts: { local: {} }
            systems: [{ name: a, container: builtin }]
            server: { host: local, port: \(huge), limits: { cpus: \(huge), memory: \(huge) } }
            clients: [{ host: local, workers: \(huge), threads: -\(huge) }]
            workload:
              protocol: grpc
              payload: \(huge)
              connections: [\(huge), -\(huge)]
              concurrency: \(huge)
              rate: \(huge)/s
              warmup: \(huge)ms
              duration: \(huge)m
              repeat: \(huge)
            """
        let found = diagnostics(text)
        // Every numeric field of the format, each reported once.
        #expect(found.count == 13, "got:\n\(TopologyErrors(diagnostics: found))")
        #expect(found.allSatisfy { $0.message.contains("out of range") })
        #expect(
            found.contains {
                $0.line == 5 && $0.column == 69
                    && $0.message == "threads -99999999999999999999999 is out of range; at least 1"
            })
        #expect(
            found.contains {
                $0.line == 4 && $0.column == 104
                    && $0.message == "memory 99999999999999999999999 is out of range; at most 16 TiB"
            })
    }

    @Test func billionLaughsIsRejectedQuickly() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        // Used as a value and, worse, as a mapping key (which a composer that hashes keys would expand).
        text += "workload: *i\n? *i\n: x\n"
        let found = diagnostics(text)
        #expect(found.contains { $0.line == 2 && $0.column == 8 && $0.message.contains("aliases (*a) are not supported") })
        #expect(found.contains { $0.line == 10 && $0.column == 11 && $0.message.contains("aliases (*i)") })
        #expect(found.count <= DiagnosticSink.reportLimit + 1)
    }

    @Test func floodOfProblemsIsCapped() {
        let text = (0..<5_000).map { "k\($0): 1\n" }.joined()
        let found = diagnostics(text)
        #expect(found.count == DiagnosticSink.reportLimit + 1)
        #expect(found.last?.message.hasPrefix("too many problems;") == true)
    }

    @Test func hugeListsAreCappedBeforeAnyPerEntryWork() {
        // 30,000 hosts and 30,000 client groups naming unknown hosts: without caps, "did you mean"
        // would compare every reference with every host.
        let hosts = (0..<30_000).map { "  h\($0): {}\n" }.joined()
        let clients = (0..<30_000).map { _ in "  - host: nope\n" }.joined()
        let text =
            "name: big\nhosts:\n" + hosts + "systems: [{ name: a, container: builtin }]\n"
            + "server: { host: h1 }\nclients:\n" + clients + "workload: { protocol: grpc, payload: 1, connections: 1 }\n"
        let found = diagnostics(text)
        #expect(
            found.map(\.message) == [
                "hosts declares 30000 hosts; at most 256",
                "clients lists 30000 entries; at most 256"
            ])
        #expect(found.map(\.line) == [3, 30_006])
    }

    @Test func giantScalarIsShortenedInMessages() {
        let text = minimal(replacingLine: 1, with: "name: " + String(repeating: "X", count: 900_000))
        let found = diagnostics(text)
        #expect(found.count == 1)
        #expect((found.first?.message.count ?? .max) < 200)
        #expect(found.first?.message.hasPrefix("bad name 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX…'") == true)
    }

    @Test func controlCharactersFromEscapesAreShownEscaped() {
        let found = diagnostics(minimal(replacingLine: 1, with: "name: \"a\\nb\\u0007\""))
        #expect(found.first?.message.hasPrefix("bad name 'a\\nb\\u{7}'") == true)
    }
}
