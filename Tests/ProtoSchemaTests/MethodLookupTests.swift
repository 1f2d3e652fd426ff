import Testing

@testable import ProtoSchema

/// Methods by name, each streaming kind read from the descriptor, and errors that list what
/// there is.
@Suite struct MethodLookupTests {
    @Test func everyStreamingKindIsRead() throws {
        let schema = Proto3EncodingTests.schema
        #expect(
            try schema.method("kinds.v3.Kinds/Unary")
                == ProtoMethod(
                    path: "/kinds.v3.Kinds/Unary", inputType: "kinds.v3.Scalars", outputType: "kinds.v3.Scalars", kind: .unary))
        #expect(try schema.method("kinds.v3.Kinds/ServerStream").kind == .serverStreaming)
        #expect(try schema.method("kinds.v3.Kinds/ClientStream").kind == .clientStreaming)
        #expect(try schema.method("kinds.v3.Kinds/ClientStream").outputType == "kinds.v3.Choice")
        #expect(try schema.method("kinds.v3.Kinds/Bidi").kind == .bidi)
    }

    @Test(arguments: ["kinds.v3.Kinds/Bidi", "kinds.v3.Kinds.Bidi", "/kinds.v3.Kinds/Bidi"])
    func everySpellingFindsTheMethod(_ name: String) throws {
        #expect(try Proto3EncodingTests.schema.method(name).path == "/kinds.v3.Kinds/Bidi")
    }

    @Test func anUnknownMethodListsTheServicesMethods() {
        let error = #expect(throws: ProtoSchemaError.self) { try Proto3EncodingTests.schema.method("kinds.v3.Kinds/Unry") }
        #expect(
            error?.description
                == "no method kinds.v3.Kinds/Unry; the services have: kinds.v3.Kinds/Unary, kinds.v3.Kinds/ServerStream, "
                + "kinds.v3.Kinds/ClientStream, kinds.v3.Kinds/Bidi")
    }

    @Test func aNameWithoutServiceIsMalformed() {
        let error = #expect(throws: ProtoSchemaError.self) { try Proto3EncodingTests.schema.method("Unary") }
        #expect(error == .malformedMethodName("Unary"))
    }

    /// protoc 3.21 writes no editions files; a newer protoc's are refused by name, not misread.
    @Test func anEditionsFileIsRefusedByName() throws {
        // FileDescriptorSet { file { name: "new.proto" syntax: "editions" } }, field numbers
        // from descriptor.proto (file 1; name 1, syntax 12).
        var file = ProtoWriter()
        file.tag(1, .lengthDelimited)
        file.lengthDelimited(Array("new.proto".utf8))
        file.tag(12, .lengthDelimited)
        file.lengthDelimited(Array("editions".utf8))
        var set = ProtoWriter()
        set.tag(1, .lengthDelimited)
        set.lengthDelimited(file.bytes)
        let error = #expect(throws: ProtoSchemaError.self) { try ProtoSchema(descriptorSet: set.bytes) }
        #expect(error?.description == "new.proto: syntax \"editions\" is not supported (proto2 and proto3 are)")
    }

    @Test func bytesThatAreNotADescriptorSetAreRefused() {
        #expect(throws: ProtoSchemaError.self) { try ProtoSchema(descriptorSet: [0xFF, 0xFF, 0xFF]) }
        // A file record whose length runs past the end, and a stray end-group key.
        let truncated = #expect(throws: ProtoSchemaError.self) { try ProtoSchema(descriptorSet: [0x0A, 0x05, 0x0A]) }
        #expect(truncated?.description.contains("runs past the end") == true)
        #expect(throws: ProtoSchemaError.self) { try ProtoSchema(descriptorSet: [0x0C]) }
    }

    @Test func aSetWithoutItsImportsNamesTheMissingType() throws {
        // Written without --include_imports: the well-known types' files are not in the set.
        let bytes = try ProtobufOracle.compile("kinds3.proto", withoutImports: true)
        let error = #expect(throws: ProtoSchemaError.self) { try ProtoSchema(descriptorSet: bytes) }
        #expect(error?.description.contains("--include_imports") == true)
    }
}
