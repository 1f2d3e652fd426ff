/// A user's service, from the descriptor set protoc writes for its `.proto`: its methods, and
/// JSON requests encoded to the binary messages a call sends.
///
/// The descriptor set is read by `DescriptorSet` (descriptor.proto's fields this module needs),
/// and the JSON mapping over it is this module's own (`JSONMappingEncoder`), tested byte for
/// byte against protobuf's.
public struct ProtoSchema: Sendable {
    let index: DescriptorIndex

    /// A schema from `protoc --include_imports --descriptor_set_out=…` output.
    /// - Throws: `ProtoSchemaError` when the bytes are not a descriptor set, a type is missing
    ///   (imports left out) or a file uses a syntax other than proto2 and proto3.
    public init(descriptorSet: [UInt8]) throws {
        let set: DescriptorSet
        do {
            set = try DescriptorSet(bytes: descriptorSet)
        } catch {
            throw ProtoSchemaError.undecodableDescriptorSet(reason: error.description)
        }
        index = try DescriptorIndex(set)
    }

    /// Every method of every service, in the order the files declare them.
    public var methods: [ProtoMethod] { index.methods }

    /// The method `name` names: `package.Service/Method`, also written `package.Service.Method`
    /// or with a leading `/`.
    /// - Throws: `ProtoSchemaError.methodNotFound` listing the methods there are.
    public func method(_ name: String) throws -> ProtoMethod {
        var trimmed = Substring(name)
        if trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        let service: Substring, method: Substring
        if let slash = trimmed.lastIndex(of: "/") {
            (service, method) = (trimmed[..<slash], trimmed[trimmed.index(after: slash)...])
        } else if let dot = trimmed.lastIndex(of: ".") {
            (service, method) = (trimmed[..<dot], trimmed[trimmed.index(after: dot)...])
        } else {
            throw ProtoSchemaError.malformedMethodName(name)
        }
        guard !service.isEmpty, !method.isEmpty else { throw ProtoSchemaError.malformedMethodName(name) }
        let path = "/\(service)/\(method)"
        guard let found = index.methods.first(where: { $0.path == path }) else {
            throw ProtoSchemaError.methodNotFound(name, available: index.methods.map { String($0.path.dropFirst()) })
        }
        return found
    }

    /// `value` in protobuf's JSON mapping as a `messageType` message (`package.Message`), in
    /// protobuf's binary form without gRPC's length prefix: fields in number order and map
    /// entries sorted by key, the bytes protobuf's deterministic serializer writes.
    /// - Throws: `ProtoEncodeError` naming the field path and where it is written.
    public func encode(_ value: ProtoJSONValue, as messageType: String) throws(ProtoEncodeError) -> [UInt8] {
        try Self.checkDepth(value)
        return try JSONMappingEncoder(index: index).message(value, type: DescriptorIndex.strip(messageType), path: "")
    }

    /// Deeper requests are refused before encoding: the encoder recurses once per level, and a
    /// value built from YAML has no parser's cap (`ProtoJSONText` refuses the same depth).
    static let maximumDepth = ProtoJSONText.maximumDepth

    /// Walks `value` without recursion; the first value past `maximumDepth` levels is the error.
    static func checkDepth(_ value: ProtoJSONValue) throws(ProtoEncodeError) {
        var pending: [(value: ProtoJSONValue, depth: Int)] = [(value, 1)]
        while let (current, depth) = pending.popLast() {
            guard depth <= maximumDepth else {
                throw ProtoEncodeError(
                    fieldPath: "", message: "the request is nested deeper than \(maximumDepth) levels", location: current.location
                )
            }
            switch current {
            case .object(let members, _): pending += members.map { ($0.value, depth + 1) }
            case .array(let elements, _): pending += elements.map { ($0, depth + 1) }
            default: break
            }
        }
    }
}
