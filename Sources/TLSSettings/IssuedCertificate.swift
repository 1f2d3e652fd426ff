/// A certificate and its private key, both PEM text: what a server needs to serve TLS. Made
/// for one run by Barrage's own CA (`CertificateAuthority` in the TLS target) and carried to
/// the server's worker in its setup, which writes them to files only its user can read.
public struct IssuedCertificate: Sendable, Equatable, Codable {
    /// The certificate (`-----BEGIN CERTIFICATE-----`).
    public var certificatePEM: String
    /// Its private key (`-----BEGIN PRIVATE KEY-----`, PKCS #8).
    public var privateKeyPEM: String

    /// A certificate and its key.
    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    enum CodingKeys: String, CodingKey {
        case certificatePEM = "certificate_pem"
        case privateKeyPEM = "private_key_pem"
    }
}
