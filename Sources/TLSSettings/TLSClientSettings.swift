/// How a client speaks TLS: whom it trusts, what name it expects, and its own certificate
/// for mutual TLS. Paths name PEM files.
public struct TLSClientSettings: Sendable, Equatable, Codable {
    /// CA certificates the server's chain must lead to; nil = the system's trust store.
    public var caFile: String?
    /// The name (DNS name or IP address) the server's certificate must carry, also sent as
    /// SNI when it is a DNS name; nil = the target's host.
    public var serverName: String?
    /// Mutual TLS: the client's certificate chain and its private key (both or neither).
    public var certFile: String?
    public var keyFile: String?

    /// Settings verifying against `caFile` (nil: the system's store) for `serverName`.
    public init(caFile: String? = nil, serverName: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.serverName = serverName
        self.certFile = certFile
        self.keyFile = keyFile
    }

    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file"
        case serverName = "server_name"
        case certFile = "cert_file"
        case keyFile = "key_file"
    }
}
