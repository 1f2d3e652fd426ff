/// The certificates of one run with `tls: true`: Barrage's per-run CA, which clients verify
/// against, and one server certificate per server host, naming the address clients reach it at.
public struct RunCertificates: Sendable, Equatable {
    /// The CA's certificate, PEM. Its key never leaves the coordinator's memory.
    public var authorityPEM: String
    /// Each server host's certificate and key, by topology host name.
    public var servers: [String: IssuedCertificate]

    /// The CA's certificate and the servers' certificates it signed.
    public init(authorityPEM: String, servers: [String: IssuedCertificate]) {
        self.authorityPEM = authorityPEM
        self.servers = servers
    }
}
