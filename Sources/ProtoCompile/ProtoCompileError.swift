/// Why a `.proto` gave no descriptor set.
public enum ProtoCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `protoc` program to run.
    case protocNotInstalled(protoc: String)
    /// The `.proto` named does not exist or cannot be read.
    case unreadableFile(String)
    /// protoc refused the file: its stderr, one diagnostic a line.
    case failed([ProtocDiagnostic])
    /// protoc could not be run or ended abnormally (a signal, no output file).
    case couldNotRun(String)

    /// What a user reads: protoc's own lines for a file that does not compile.
    public var description: String {
        switch self {
        case .protocNotInstalled(let protoc):
            return "\(protoc) not found: install protobuf's compiler (Debian: apt-get install protobuf-compiler)"
        case .unreadableFile(let file):
            return "\(file): error: no such .proto file, or it cannot be read"
        case .failed(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .couldNotRun(let reason):
            return "protoc: \(reason)"
        }
    }
}
