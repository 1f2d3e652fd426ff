/// A descriptor set that cannot serve as a schema, or a method it does not have.
public enum ProtoSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a `FileDescriptorSet`.
    case undecodableDescriptorSet(reason: String)
    /// A field or method names a type no file in the set defines (the set was written without
    /// `--include_imports`).
    case unresolvedType(String, referencedBy: String)
    /// A file uses a syntax this schema does not read (`editions`).
    case unsupportedSyntax(file: String, syntax: String)
    /// `method` is not `package.Service/Method`.
    case malformedMethodName(String)
    /// No service has the method; `available` lists every `package.Service/Method` there is.
    case methodNotFound(String, available: [String])

    /// One sentence a user acts on.
    public var description: String {
        switch self {
        case .undecodableDescriptorSet(let reason):
            return "not a protobuf FileDescriptorSet: \(reason)"
        case .unresolvedType(let name, let referencedBy):
            return "\(referencedBy) refers to \(name), which no file in the descriptor set defines "
                + "(compile with --include_imports)"
        case .unsupportedSyntax(let file, let syntax):
            return "\(file): syntax \"\(syntax)\" is not supported (proto2 and proto3 are)"
        case .malformedMethodName(let name):
            return "method \"\(name)\" is not package.Service/Method"
        case .methodNotFound(let name, let available):
            guard !available.isEmpty else { return "no method \(name): the .proto defines no service" }
            return "no method \(name); the services have: \(available.joined(separator: ", "))"
        }
    }
}
