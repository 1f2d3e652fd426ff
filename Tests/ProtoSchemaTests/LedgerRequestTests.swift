import Foundation
import Testing

@testable import ProtoSchema

/// The any-service recipe's own requests (`Containers/any-service`): its known entry, which
/// the server counts intact only when every field arrives as protobuf encodes it, and the
/// other methods' requests, encoded from ledger.proto's descriptor set equal protobuf's bytes.
@Suite struct LedgerRequestTests {
    static let recipe = ProtobufOracle.testsFolder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Containers/any-service")

    static func knownEntry() throws -> String {
        try String(contentsOf: recipe.appendingPathComponent("known-entry.json"), encoding: .utf8)
    }

    @Test func everyRequestEqualsProtobufs() throws {
        let output = ProtobufOracle.temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let compiled = try ProtobufOracle.run([
            "protoc", "--include_imports", "--descriptor_set_out=\(output)", "-I", Self.recipe.path, "ledger.proto"
        ])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let descriptorSet = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        let cases = [
            EncodingCase(name: "the known entry", type: "ledger.v1.Entry", json: try Self.knownEntry()),
            EncodingCase(
                name: "List", type: "ledger.v1.ListRequest", json: #"{"account": "acme-42", "count": 5, "kind": "KIND_CREDIT"}"#),
            EncodingCase(name: "Hold", type: "ledger.v1.HoldRequest", json: #"{"account": "acme-42", "delay": "0.250s"}"#),
            EncodingCase(name: "Stats", type: "ledger.v1.StatsRequest", json: "{}")
        ]
        let expected = try ProtobufOracle.expected(cases, descriptorSet: descriptorSet)
        let schema = try ProtoSchema(descriptorSet: descriptorSet)
        for testCase in cases {
            let bytes = try schema.encode(try ProtoJSONText.parse(testCase.json), as: testCase.type)
            #expect(ProtobufOracle.hex(bytes) == (try #require(expected[testCase.name]).get()), "\(testCase.name)")
        }
        #expect(try schema.method("ledger.v1.Ledger/List").kind == .serverStreaming)
        #expect(try schema.method("ledger.v1.Ledger/Upload").kind == .clientStreaming)
        #expect(try schema.method("ledger.v1.Ledger/Sync").kind == .bidi)
        #expect(try schema.method("ledger.v1.Ledger/Hold").inputType == "ledger.v1.HoldRequest")
    }
}
