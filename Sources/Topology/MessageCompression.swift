/// How request messages are compressed (`workload.compression`), sent as `grpc-encoding`.
public enum MessageCompression: String, Sendable, Equatable, Codable {
    /// Uncompressed messages; no `grpc-encoding` header.
    case identity
    /// Each request message gzip-compressed once before the run, flagged compressed.
    case gzip
}
