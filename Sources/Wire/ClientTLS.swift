/// How a client worker speaks TLS to the servers (h2 over TLS, ALPN h2): PEM files on the
/// worker's host.
public struct ClientTLS: Codable, Sendable, Equatable {
    /// CA certificates the server must verify against; nil = the system's trust store.
    public var caFile: String?
    /// The name the server's certificate must carry (and SNI for a DNS name); nil = the
    /// target's address.
    public var serverName: String?
    /// Mutual TLS: the client's certificate chain and key.
    public var certFile: String?
    public var keyFile: String?

    public init(caFile: String? = nil, serverName: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.serverName = serverName
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
