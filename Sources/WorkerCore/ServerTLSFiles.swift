/// The TLS certificate and key files a system serves, as the worker wrote them.
public struct ServerTLSFiles: Sendable, Equatable {
    /// Path of the certificate chain (PEM), `BARRAGE_TLS_CERT`.
    public var certificate: String
    /// Path of the private key (PEM), `BARRAGE_TLS_KEY`.
    public var key: String

    /// Files at these paths.
    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}
