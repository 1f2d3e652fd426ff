import COpenSSL
import TLSSettings

/// Barrage's own certificate authority for one run (`tls: true`): a fresh P-256 key and a
/// self-signed CA certificate, made in memory with OpenSSL's C API, which then signs one
/// server certificate per server host. Nothing is fixed in the repository and nothing outlives
/// the run: the CA's key stays in this object and is never written anywhere.
///
/// OpenSSL's API rather than Debian's `openssl` command: the release binary links OpenSSL
/// statically and is copied to hosts that may lack the command, no key passes through a
/// temporary file or a command line, and a failure comes back as OpenSSL's reason.
public final class CertificateAuthority {
    /// The CA's certificate, PEM: what clients verify the servers against.
    public let certificatePEM: String
    /// The CA's subject, e.g. `CN=Barrage run CA 3f2a…`.
    public let commonName: String
    private let key: OpaquePointer
    private let certificate: OpaquePointer
    private let validSeconds: Int

    /// A run's certificates are valid this long (a cell may last 24 h; the run longer).
    public static let defaultValidSeconds = 7 * 86_400

    /// A new CA named `commonName` (a random suffix makes each run's CA its own subject).
    public init(commonName: String = "Barrage run CA", validSeconds: Int = defaultValidSeconds) throws {
        self.validSeconds = validSeconds
        guard let key = barrage_ec_p256_key() else { throw Self.failure("make the CA's key") }
        self.key = key
        let name = "\(commonName) \(Self.randomHex(bytes: 6))"
        self.commonName = name
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw Self.failure("make the CA's certificate")
        }
        self.certificate = certificate
        do {
            try Self.fill(certificate, subject: name, publicKey: key, validSeconds: validSeconds)
            guard X509_set_issuer_name(certificate, X509_get_subject_name(certificate)) == 1 else {
                throw Self.failure("name the CA's issuer")
            }
            for (nid, value) in [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash")
            ] {
                try Self.add(nid, value, to: certificate, issuer: certificate)
            }
            guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw Self.failure("sign the CA's certificate") }
            certificatePEM = try Self.pem { PEM_write_bio_X509($0, certificate) }
        } catch {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw error
        }
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    /// A server certificate for `names` (DNS names or IP addresses, the first also its common
    /// name), with a fresh key, signed by this CA for TLS servers only.
    public func issueServer(names: [String]) throws -> IssuedCertificate {
        guard let first = names.first else { throw TLSSetupError("TLS: a server certificate needs at least one name") }
        guard let serverKey = barrage_ec_p256_key() else { throw Self.failure("make a server key") }
        defer { EVP_PKEY_free(serverKey) }
        guard let server = X509_new() else { throw Self.failure("make a server certificate") }
        defer { X509_free(server) }
        try Self.fill(server, subject: first, publicKey: serverKey, validSeconds: validSeconds)
        guard X509_set_issuer_name(server, X509_get_subject_name(certificate)) == 1 else {
            throw Self.failure("name the server certificate's issuer")
        }
        let alternatives = names.map { Self.isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        for (nid, value) in [
            (NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, "serverAuth"), (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"), (NID_subject_alt_name, alternatives)
        ] {
            try Self.add(nid, value, to: server, issuer: certificate)
        }
        guard X509_sign(server, key, EVP_sha256()) > 0 else { throw Self.failure("sign the server certificate") }
        return IssuedCertificate(
            certificatePEM: try Self.pem { PEM_write_bio_X509($0, server) },
            privateKeyPEM: try Self.pem { PEM_write_bio_PrivateKey($0, serverKey, nil, nil, 0, nil, nil) })
    }

    /// Version 3, a random serial, valid from an hour ago (clocks of hosts differ) for
    /// `validSeconds`, the subject's common name and its public key.
    private static func fill(_ certificate: OpaquePointer, subject: String, publicKey: OpaquePointer, validSeconds: Int) throws {
        guard X509_set_version(certificate, 2) == 1 else { throw failure("set the certificate's version") }
        // 127 random bits: positive, unique for all practical purposes, as RFC 5280 asks.
        guard let serial = BN_new() else { throw failure("make a serial number") }
        defer { BN_free(serial) }
        guard BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
            BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate)) != nil
        else { throw failure("set a serial number") }
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -3_600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), validSeconds) != nil
        else { throw failure("set the validity") }
        guard let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, subject, -1, -1, 0) == 1
        else { throw failure("set the subject \(subject)") }
        guard X509_set_pubkey(certificate, publicKey) == 1 else { throw failure("set the public key") }
    }

    private static func add(_ nid: Int32, _ value: String, to certificate: OpaquePointer, issuer: OpaquePointer) throws {
        guard barrage_X509_add_ext_text(certificate, issuer, nid, value) == 1 else {
            throw failure("add the extension \(String(cString: OBJ_nid2sn(nid))) \(value)")
        }
    }

    /// What `write` puts into a memory BIO, as text.
    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw failure("make a memory buffer") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw failure("write PEM") }
        var data: UnsafeMutablePointer<CChar>?
        let length = barrage_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { throw failure("read PEM back") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// `count` random bytes in hex (the system's generator: getrandom).
    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }.joined()
    }

    /// An IPv4 or IPv6 literal (which goes into `IP:`, a name into `DNS:`).
    static func isIPAddress(_ name: String) -> Bool {
        TLSStream.isIPAddress(name)
    }

    private static func failure(_ step: String) -> TLSSetupError {
        TLSSetupError("TLS: cannot \(step) for the run's CA: \(TLSContext.lastError())")
    }
}
