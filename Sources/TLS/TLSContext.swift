import COpenSSL
import HTTP2
import TLSSettings

/// One OpenSSL `SSL_CTX` and the scratch buffers of one event loop: built once per load
/// worker or server thread, shared by every connection on it, so certificates, keys and
/// trust store exist once, not per connection. Not thread-safe: use it on one loop only.
///
/// Connections made from it release their record buffers whenever they are empty
/// (`SSL_MODE_RELEASE_BUFFERS`), keep no session cache and send no tickets: an idle
/// connection then holds its keys and little else.
public final class TLSContext {
    /// Which side of the handshake the connections take.
    public enum Role: Sendable, Equatable {
        /// Verifies the server against `settings`, offers ALPN h2.
        case client(TLSClientSettings)
        /// Serves the certificate chain in `certFile` with the key in `keyFile`, selects ALPN h2.
        case server(certFile: String, keyFile: String)
    }

    let context: OpaquePointer
    let role: Role
    /// Where a connection's protocol output is gathered before `TLSStream.produce` encrypts it:
    /// one buffer for the loop, not one per connection.
    public let plaintext = WriteScratch()
    /// Decrypted bytes before the protocol reads them.
    let decrypted: UnsafeMutableRawBufferPointer
    /// The BIO method that moves ciphertext between OpenSSL and the caller's buffers.
    let bioMethod: OpaquePointer

    /// Bytes decrypted per `SSL_read`: one full TLS record.
    static let readChunk = 16 * 1024

    /// A context for `role`; throws `TLSSetupError` naming a file that does not load.
    public init(role: Role) throws {
        let method = { () -> OpaquePointer? in
            if case .client = role { return TLS_client_method() }
            return TLS_server_method()
        }()
        guard let method, let context = SSL_CTX_new(method) else { throw TLSSetupError("TLS: \(Self.lastError())") }
        self.context = context
        self.role = role
        decrypted = .allocate(byteCount: Self.readChunk, alignment: 16)
        bioMethod = TLSStream.makeBIOMethod()
        _ = barrage_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = barrage_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS))
        _ = barrage_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        switch role {
        case .client(let settings):
            if let ca = settings.caFile {
                guard SSL_CTX_load_verify_locations(context, ca, nil) == 1 else {
                    throw TLSSetupError("TLS: the CA file \(ca) does not load: \(Self.lastError())")
                }
            } else {
                SSL_CTX_set_default_verify_paths(context)
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            let alpn: [UInt8] = [2, 0x68, 0x32]  // "h2"
            _ = SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count))
            switch (settings.certFile, settings.keyFile) {
            case (let cert?, let key?):
                try Self.use(certFile: cert, keyFile: key, in: context)
            case (nil, nil):
                break
            default:
                throw TLSSetupError("TLS: a client certificate needs both cert and key")
            }
        case .server(let cert, let key):
            try Self.use(certFile: cert, keyFile: key, in: context)
            barrage_SSL_CTX_select_alpn_h2(context)
            _ = SSL_CTX_set_options(context, barrage_SSL_OP_NO_TICKET())
        }
    }

    deinit {
        SSL_CTX_free(context)
        BIO_meth_free(bioMethod)
        decrypted.deallocate()
    }

    private static func use(certFile: String, keyFile: String, in context: OpaquePointer) throws {
        guard SSL_CTX_use_certificate_chain_file(context, certFile) == 1 else {
            throw TLSSetupError("TLS: the certificate file \(certFile) does not load: \(lastError())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSSetupError("TLS: the key file \(keyFile) does not load: \(lastError())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSSetupError("TLS: the key in \(keyFile) does not match the certificate in \(certFile)")
        }
    }

    /// OpenSSL's reason for the last error on this thread (emptying its queue), e.g.
    /// "no such file"; "unknown error" when it queued none.
    static func lastError() -> String {
        var last: UInt = 0
        while case let code = ERR_get_error(), code != 0 { last = code }
        guard last != 0 else { return "unknown error" }
        if let reason = ERR_reason_error_string(last) { return String(cString: reason) }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(last, &text, text.count)
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
