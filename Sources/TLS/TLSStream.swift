import COpenSSL
import HTTP2

/// One connection's TLS, between the socket and the protocol: ciphertext from the socket is
/// decrypted before the protocol reads it, and the protocol's output is encrypted straight
/// into the caller's write buffer. OpenSSL sees neither socket nor file descriptor, only a
/// BIO reading the bytes just received and writing into the buffer being filled (as h2load
/// feeds its session through memory), so the event loop stays the only I/O.
///
/// Per connection this costs one `SSL` and one BIO; the certificates, trust store and
/// scratch buffers belong to the `TLSContext` of the loop.
public final class TLSStream {
    /// Every failure's words start with this: the error kind `tls-handshake` in results.
    public static let failurePrefix = "tls-handshake"

    private let ssl: OpaquePointer
    private let context: TLSContext
    private let isClient: Bool
    /// The name the server's certificate must carry (client only).
    private let expectedName: String
    /// Ciphertext received and not yet read by OpenSSL; only set during `receive`.
    private var input = UnsafeRawBufferPointer(start: nil, count: 0)
    /// While `produce` runs, the buffer OpenSSL's output goes into; otherwise (handshake
    /// replies written while receiving) it waits in `pending`.
    private var sink: UnsafeMutablePointer<ByteBuffer>?
    private var pending = ByteBuffer()
    private var started = false
    /// Whether the first byte from the peer opened a TLS record (handshake or alert), to tell
    /// a plaintext server from a TLS one that failed.
    private var firstByteIsTLS: Bool?
    /// Whether any application data came through: a failure before it ends the handshake as
    /// the peer sees it (TLS 1.3 servers check a client's certificate after the client is done).
    private var delivered = false

    /// The handshake finished and ALPN agreed on h2.
    public private(set) var isHandshakeDone = false
    /// Why TLS failed, in words starting with `failurePrefix` during the handshake; nil while
    /// it works. Nothing more is delivered once set.
    public private(set) var failure: String?

    /// A stream of `context`; a client verifies the server's certificate for `serverName` (a
    /// DNS name, also sent as SNI, or an IP address). Nil if OpenSSL is out of memory.
    public init?(context: TLSContext, serverName: String = "") {
        guard let ssl = SSL_new(context.context), let bio = BIO_new(context.bioMethod) else { return nil }
        self.ssl = ssl
        self.context = context
        if case .client = context.role { isClient = true } else { isClient = false }
        expectedName = serverName
        BIO_set_init(bio, 1)
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        SSL_set_bio(ssl, bio, bio)  // one reference, owned by the SSL
        if isClient {
            SSL_set_connect_state(ssl)
            if !serverName.isEmpty {
                if Self.isIPAddress(serverName) {
                    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
                } else {
                    _ = barrage_SSL_set_tlsext_host_name(ssl, serverName)
                    SSL_set1_host(ssl, serverName)
                }
            }
        } else {
            SSL_set_accept_state(ssl)
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// Ciphertext from the socket: advances the handshake, then hands every decrypted byte to
    /// `deliver`. False only if `deliver` did; a TLS failure sets `failure` instead.
    public func receive(_ bytes: UnsafeRawBufferPointer, deliver: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard failure == nil else { return true }
        if firstByteIsTLS == nil, let first = bytes.first { firstByteIsTLS = first == 0x16 || first == 0x15 }
        input = bytes
        defer { input = UnsafeRawBufferPointer(start: nil, count: 0) }
        if !isHandshakeDone {
            started = true
            guard handshake() else { return true }
        }
        while true {
            let count = SSL_read(ssl, context.decrypted.baseAddress, Int32(context.decrypted.count))
            if count > 0 {
                delivered = true
                guard deliver(UnsafeRawBufferPointer(rebasing: context.decrypted[..<Int(count)])) else { return false }
                continue
            }
            switch SSL_get_error(ssl, count) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return true
            case SSL_ERROR_ZERO_RETURN:
                failure = "tls: the peer closed TLS (close_notify)"
                return true
            default:
                let reason = TLSContext.lastError()
                failure =
                    delivered
                    ? "tls: \(reason)"
                    : "\(Self.failurePrefix): the peer refused the handshake: \(reason)"
                        + (reason.contains("certificate") && isClient ? " (does it require a client certificate?)" : "")
                return true
            }
        }
    }

    /// Appends what TLS has to send to `buffer`: handshake records first (a client's first call
    /// starts the handshake), then, once the handshake is done, `plaintext` encrypted.
    public func produce(_ plaintext: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        withUnsafeMutablePointer(to: &buffer) { target in
            sink = target
            defer { sink = nil }
            if !pending.isEmpty {
                target.pointee.append(pending.readable)
                pending.clear()
                pending.release(above: 0)
            }
            if isClient && !started {
                started = true
                _ = handshake()
            }
            guard isHandshakeDone, failure == nil, !plaintext.isEmpty else { return }
            if SSL_write(ssl, plaintext.baseAddress, Int32(plaintext.count)) <= 0 {
                failure = "tls: \(TLSContext.lastError())"
            }
        }
    }

    /// Handshake records waiting to go out (a server's replies), or nothing.
    public var hasPending: Bool { !pending.isEmpty }

    /// Runs the handshake as far as the bytes allow; true once it is done (and h2 agreed).
    private func handshake() -> Bool {
        let result = SSL_do_handshake(ssl)
        if result != 1 {
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                break
            default:
                failure = "\(Self.failurePrefix): \(handshakeFailure())"
            }
            return false
        }
        isHandshakeDone = true
        if isClient {
            var protocolName: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &length)
            let agreed = protocolName.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self) }
            guard agreed == "h2" else {
                failure =
                    "\(Self.failurePrefix): the server did not agree on ALPN h2 "
                    + (agreed.map { "(it chose \($0))" } ?? "(it chose no protocol)")
                return false
            }
        }
        return true
    }

    /// What went wrong in the handshake, in words: the certificate and OpenSSL's verify reason,
    /// a name mismatch, a server that does not speak TLS, or OpenSSL's reason.
    private func handshakeFailure() -> String {
        let reason = TLSContext.lastError()
        let verify = SSL_get_verify_result(ssl)
        if isClient, verify != X509_V_OK {
            let leaf = barrage_peer_leaf(ssl)
            let subject = leaf.map { Self.name(X509_get_subject_name($0)) } ?? "(none)"
            let issuer = leaf.map { Self.name(X509_get_issuer_name($0)) } ?? "(none)"
            if verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH {
                return "the server's certificate \(subject) does not name \(expectedName)"
            }
            let words = X509_verify_cert_error_string(Int(verify)).map { String(cString: $0) } ?? "error \(verify)"
            return "the server's certificate \(subject) issued by \(issuer) does not verify: \(words)"
        }
        if firstByteIsTLS == false {
            return isClient ? "the server answered without TLS (a plaintext server?)" : "the client spoke without TLS"
        }
        return reason
    }

    private static func name(_ name: OpaquePointer?) -> String {
        var text = [CChar](repeating: 0, count: 256)
        guard let name, X509_NAME_oneline(name, &text, Int32(text.count)) != nil else { return "(unnamed)" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func isIPAddress(_ text: String) -> Bool {
        text.contains(":") || (text.split(separator: ".").count == 4 && text.allSatisfy { $0.isNumber || $0 == "." })
    }

    // MARK: The BIO

    fileprivate func bioRead(into target: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        let taken = min(count, input.count)
        guard taken > 0 else { return 0 }
        UnsafeMutableRawPointer(target).copyMemory(from: input.baseAddress!, byteCount: taken)
        input = UnsafeRawBufferPointer(rebasing: input[taken...])
        return taken
    }

    fileprivate func bioWrite(_ bytes: UnsafeRawBufferPointer) {
        if let sink { sink.pointee.append(bytes) } else { pending.append(bytes) }
    }

    /// The BIO method every stream of a context uses: reads from `input`, writes to the sink.
    static func makeBIOMethod() -> OpaquePointer {
        let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "barrage")!
        BIO_meth_set_write(method) { bio, data, length in
            guard let bio, let data, length >= 0, let stream = BIO_get_data(bio) else { return -1 }
            barrage_BIO_clear_retry_flags(bio)
            Unmanaged<TLSStream>.fromOpaque(stream).takeUnretainedValue()
                .bioWrite(UnsafeRawBufferPointer(start: data, count: Int(length)))
            return length
        }
        BIO_meth_set_read(method) { bio, data, length in
            guard let bio, let data, length >= 0, let stream = BIO_get_data(bio) else { return -1 }
            barrage_BIO_clear_retry_flags(bio)
            let taken = Unmanaged<TLSStream>.fromOpaque(stream).takeUnretainedValue().bioRead(into: data, count: Int(length))
            if taken == 0 {
                barrage_BIO_set_retry_read(bio)
                return -1
            }
            return Int32(taken)
        }
        BIO_meth_set_ctrl(method) { _, command, _, _ in
            command == BIO_CTRL_FLUSH ? 1 : 0
        }
        return method
    }
}
