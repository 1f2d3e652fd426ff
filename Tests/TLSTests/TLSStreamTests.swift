import HTTP2
import TLS
import TLSSettings
import Testing

/// A client and a server `TLSStream` with the bytes carried between them in memory: the
/// handshake, data both ways, and each failure in words.
@Suite struct TLSStreamTests {
    /// Carries bytes both ways until neither side has more to say; returns what the server read.
    private static func pump(client: TLSStream, server: TLSStream, clientSends: [UInt8] = [], rounds: Int = 6) -> [UInt8] {
        var serverRead: [UInt8] = []
        var toSend = clientSends
        for _ in 0..<rounds {
            var wire = ByteBuffer()
            toSend.withUnsafeBytes {
                client.produce(client.isHandshakeDone ? $0 : UnsafeRawBufferPointer(start: nil, count: 0), into: &wire)
            }
            if client.isHandshakeDone { toSend = [] }
            _ = server.receive(wire.readable) { bytes in
                serverRead += bytes
                return true
            }
            var back = ByteBuffer()
            server.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &back)
            _ = client.receive(back.readable) { _ in true }
        }
        return serverRead
    }

    @Test func handshakeVerifiesAgainstTheCAAndCarriesData() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let clientContext = try TLSContext(role: .client(TLSClientSettings(caFile: certificates.caFile)))
        let serverContext = try TLSContext(role: .server(certFile: certificates.serverCert, keyFile: certificates.serverKey))
        for name in ["localhost", "127.0.0.1"] {
            let client = try #require(TLSStream(context: clientContext, serverName: name))
            let server = try #require(TLSStream(context: serverContext))
            let read = Self.pump(client: client, server: server, clientSends: Array("PRI * HTTP/2.0".utf8))
            #expect(client.failure == nil)
            #expect(client.isHandshakeDone && server.isHandshakeDone)
            #expect(read == Array("PRI * HTTP/2.0".utf8))
        }
    }

    @Test func anotherCAIsRefusedNamingTheCertificate() throws {
        let certificates = try TestCertificates()
        let other = try TestCertificates(caName: "Some Other CA")
        defer {
            certificates.remove()
            other.remove()
        }
        let clientContext = try TLSContext(role: .client(TLSClientSettings(caFile: other.caFile)))
        let serverContext = try TLSContext(role: .server(certFile: certificates.serverCert, keyFile: certificates.serverKey))
        let client = try #require(TLSStream(context: clientContext, serverName: "localhost"))
        let server = try #require(TLSStream(context: serverContext))
        let read = Self.pump(client: client, server: server, clientSends: [1, 2, 3])
        #expect(read.isEmpty)
        let failure = try #require(client.failure)
        #expect(failure.hasPrefix("tls-handshake: "))
        #expect(failure.contains("CN=localhost"))
        #expect(failure.contains("CN=Barrage Test CA"))
        #expect(failure.contains("unable to get local issuer certificate"))
    }

    @Test func aNameTheCertificateDoesNotCarryIsANameMismatch() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let clientContext = try TLSContext(role: .client(TLSClientSettings(caFile: certificates.caFile)))
        let serverContext = try TLSContext(role: .server(certFile: certificates.serverCert, keyFile: certificates.serverKey))
        let client = try #require(TLSStream(context: clientContext, serverName: "ledger.test"))
        let server = try #require(TLSStream(context: serverContext))
        _ = Self.pump(client: client, server: server)
        #expect(client.failure == "tls-handshake: the server's certificate /CN=localhost does not name ledger.test")
    }

    @Test func aPlaintextAnswerIsNamedAsSuch() throws {
        let context = try TLSContext(role: .client(TLSClientSettings()))
        let client = try #require(TLSStream(context: context, serverName: "localhost"))
        var hello = ByteBuffer()
        client.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &hello)
        #expect(hello.count > 0)
        // An HTTP/2 server's first frame: an empty SETTINGS.
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
        _ = settings.withUnsafeBytes { client.receive($0) { _ in true } }
        #expect(client.failure == "tls-handshake: the server answered without TLS (a plaintext server?)")
    }

    @Test func filesThatDoNotLoadAreNamed() {
        #expect(throws: TLSSetupError.self) { try TLSContext(role: .client(TLSClientSettings(caFile: "/nonexistent/ca.pem"))) }
        do {
            _ = try TLSContext(role: .server(certFile: "/nonexistent/c.pem", keyFile: "/nonexistent/c.key"))
            Issue.record("loaded a missing certificate")
        } catch {
            #expect("\(error)".contains("/nonexistent/c.pem"))
        }
    }
}
