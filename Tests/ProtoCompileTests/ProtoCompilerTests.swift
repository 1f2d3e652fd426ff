import Foundation
import ProtoSchema
import Testing

@testable import ProtoCompile

/// The real protoc on `.proto` files written by each test: a descriptor set ProtoSchema reads,
/// or protoc's own words at the file, line and column on disk.
@Suite struct ProtoCompilerTests {
    /// A fresh folder holding `files` (relative path → text).
    static func folder(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "protocompile-\(UUID().uuidString)"
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let types = """
        syntax = "proto3";
        package shop.v1;
        import "google/protobuf/timestamp.proto";
        message Item { string sku = 1; google.protobuf.Timestamp at = 2; }
        """

    static let service = """
        syntax = "proto3";
        package shop.v1;
        import "shop/v1/types.proto";
        service Shop { rpc Buy(Item) returns (stream Item); }
        """

    @Test func compilesWithImportsFromAnImportPath() throws {
        let root = try Self.folder(["protos/shop/v1/types.proto": Self.types, "api/shop.proto": Self.service])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bytes = try ProtoCompiler().compile(file: root + "/api/shop.proto", importPaths: [root + "/protos"])
        let schema = try ProtoSchema(descriptorSet: bytes)
        #expect(
            try schema.method("shop.v1.Shop/Buy")
                == ProtoMethod(
                    path: "/shop.v1.Shop/Buy", inputType: "shop.v1.Item", outputType: "shop.v1.Item", kind: .serverStreaming))
        // The imports came along (--include_imports): a Timestamp field encodes.
        let value = try ProtoJSONText.parse(#"{"sku": "a", "at": "1970-01-01T00:00:01Z"}"#)
        #expect(try schema.encode(value, as: "shop.v1.Item") == [0x0A, 0x01, 0x61, 0x12, 0x02, 0x08, 0x01])
    }

    /// protoc needs the file under an import path spelt the same way; both become absolute.
    @Test func relativePathsBecomeAbsolute() {
        let here = FileManager.default.currentDirectoryPath
        #expect(ProtoCompiler.absolute("protos/./shop/../x.proto") == here + "/protos/x.proto")
        #expect(ProtoCompiler.absolute("/a/b/x.proto") == "/a/b/x.proto")
    }

    @Test func aBrokenProtoGivesProtocsWordsAtTheFileOnDisk() throws {
        let root = try Self.folder([
            "bad.proto": "syntax = \"proto3\";\npackage x;\nmessage A {\n  int32 a = 1\n  string b = 2;\n}\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: ProtoCompileError.self) { try ProtoCompiler().compile(file: root + "/bad.proto") }
        guard case .failed(let diagnostics) = error else {
            Issue.record("expected protoc's diagnostics, got \(String(describing: error))")
            return
        }
        #expect(diagnostics == [ProtocDiagnostic(file: root + "/bad.proto", line: 5, column: 3, message: "Expected \";\".")])
        #expect(error?.description == "\(root)/bad.proto:5:3: error: Expected \";\".")
    }

    @Test func aMissingImportIsNamed() throws {
        let root = try Self.folder(["api/shop.proto": Self.service])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: ProtoCompileError.self) { try ProtoCompiler().compile(file: root + "/api/shop.proto") }
        guard case .failed(let diagnostics) = error else {
            Issue.record("expected protoc's diagnostics, got \(String(describing: error))")
            return
        }
        #expect(
            diagnostics.contains(
                ProtocDiagnostic(file: "shop/v1/types.proto", line: nil, column: nil, message: "File not found.")))
        #expect(
            diagnostics.contains { $0.file == root + "/api/shop.proto" && $0.line == 3 && $0.message.contains("was not found") })
    }

    @Test func aMissingProtoFileIsNamed() {
        let error = #expect(throws: ProtoCompileError.self) { try ProtoCompiler().compile(file: "/nonexistent/ledger.proto") }
        #expect(error == .unreadableFile("/nonexistent/ledger.proto"))
    }

    @Test func aMissingProtocSaysWhatToInstall() throws {
        let root = try Self.folder(["types.proto": "syntax = \"proto3\";\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: ProtoCompileError.self) {
            try ProtoCompiler(protoc: "barrage-test-no-such-protoc").compile(file: root + "/types.proto")
        }
        #expect(error == .protocNotInstalled(protoc: "barrage-test-no-such-protoc"))
        #expect(error?.description.contains("apt-get install protobuf-compiler") == true)
    }

    @Test func aPathFolderThatCannotBeSearchedCountsAsNotHavingTheProgram() {
        // /root/bin stands for a folder this user may not enter (root's PATH under sudo); the
        // check answers as stat and access do there: no.
        let executables: Set<String> = ["/usr/bin/protoc", "./protoc"]
        let found = { (path: String) in executables.contains(path) }
        #expect(ProtoCompiler.locate("protoc", searchPath: "/root/bin:/usr/bin", isExecutable: found) == "/usr/bin/protoc")
        #expect(ProtoCompiler.locate("protoc", searchPath: "/root/bin:/opt/bin", isExecutable: found) == nil)
        #expect(ProtoCompiler.locate("protoc", searchPath: "/root/bin::/usr/bin", isExecutable: found) == "./protoc")
        #expect(ProtoCompiler.locate("tools/protoc", searchPath: "/usr/bin", isExecutable: found) == "tools/protoc")
        #expect(ProtoCompiler.locate("protoc", searchPath: nil, isExecutable: found) == "/usr/bin/protoc")
    }

    @Test func aFileThatIsNotExecutableOnPathIsNotTakenForProtoc() throws {
        // Mode 0644 refuses execution to root too, so this holds for every user.
        let root = try Self.folder(["bin/barrage-test-protoc": "#!/bin/sh\nexit 0\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(!ProtoCompiler.isExecutableFile(root + "/bin/barrage-test-protoc"))
        #expect(!ProtoCompiler.isExecutableFile(root + "/bin"))
        #expect(
            ProtoCompiler.locate(
                "barrage-test-protoc", searchPath: root + "/bin", isExecutable: ProtoCompiler.isExecutableFile) == nil)
        chmod(root + "/bin/barrage-test-protoc", 0o755)
        #expect(
            ProtoCompiler.locate(
                "barrage-test-protoc", searchPath: root + "/nonexistent:" + root + "/bin",
                isExecutable: ProtoCompiler.isExecutableFile) == root + "/bin/barrage-test-protoc")
    }

    @Test func theFilesFolderIsAddedOnlyWhenNoImportPathHoldsIt() {
        #expect(ProtoCompiler.searchPaths(for: "/a/b/x.proto", given: []) == ["/a/b"])
        #expect(ProtoCompiler.searchPaths(for: "/a/b/x.proto", given: ["/a"]) == ["/a"])
        #expect(ProtoCompiler.searchPaths(for: "/a/b/x.proto", given: ["/a/bc"]) == ["/a/bc", "/a/b"])
    }
}
