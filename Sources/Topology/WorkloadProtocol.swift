/// The protocol the clients speak to the server.
public enum WorkloadProtocol: String, Sendable, Equatable, Codable {
    /// Raw TCP: send `payload` bytes, read them back.
    case tcpEcho = "tcp-echo"
    /// gRPC over HTTP/2.
    case grpc
}
