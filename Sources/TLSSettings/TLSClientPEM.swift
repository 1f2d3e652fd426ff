/// A client's TLS files carried as text in its setup, because the worker may run on another
/// host than the coordinator that read or made them: the worker writes them to files only its
/// user can read and verifies against `authorityPEM`, presenting `certificate` for mutual TLS.
public struct TLSClientPEM: Sendable, Equatable, Codable {
    /// The CA certificates the server's chain must lead to (the run's own CA, or the user's `ca`).
    public var authorityPEM: String?
    /// Mutual TLS: the client's certificate and key (the user's `cert` and `key`).
    public var certificate: IssuedCertificate?

    /// Files to write on the worker's host.
    public init(authorityPEM: String? = nil, certificate: IssuedCertificate? = nil) {
        self.authorityPEM = authorityPEM
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case authorityPEM = "authority_pem"
        case certificate
    }
}
