import Foundation
import HTTP2
import TLS
import TLSSettings
import Testing

/// Barrage's per-run CA: its server certificates verify against it (by OpenSSL in a real
/// handshake, and by Debian's `openssl verify` as a second opinion) for the names they were
/// issued for and no other, and never against another run's CA.
@Suite struct CertificateAuthorityTests {
    /// The issued certificate and key, and the CA, written to a fresh folder.
    private struct Files {
        let folder: URL
        var ca: String { folder.appendingPathComponent("ca.pem").path }
        var cert: String { folder.appendingPathComponent("server.pem").path }
        var key: String { folder.appendingPathComponent("server.key").path }

        init(authority: CertificateAuthority, issued: IssuedCertificate) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("barrage-ca-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try authority.certificatePEM.write(toFile: ca, atomically: true, encoding: .utf8)
            try issued.certificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
            try issued.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Runs a handshake in memory between a client verifying `serverName` against `caFile`
    /// and a server with `files`' certificate; the client's failure, nil when it succeeded.
    private static func handshake(caFile: String, serverName: String, files: Files) throws -> String? {
        let clientContext = try TLSContext(role: .client(TLSClientSettings(caFile: caFile)))
        let serverContext = try TLSContext(role: .server(certFile: files.cert, keyFile: files.key))
        let client = try #require(TLSStream(context: clientContext, serverName: serverName))
        let server = try #require(TLSStream(context: serverContext))
        for _ in 0..<6 {
            var wire = ByteBuffer()
            client.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &wire)
            _ = server.receive(wire.readable) { _ in true }
            var back = ByteBuffer()
            server.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &back)
            _ = client.receive(back.readable) { _ in true }
        }
        if client.failure == nil { #expect(client.isHandshakeDone) }
        return client.failure
    }

    /// `openssl verify` of the server certificate against the CA for a TLS server's purpose.
    private static func opensslVerifies(_ files: Files, extra: [String] = []) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["verify", "-CAfile", files.ca, "-purpose", "sslserver"] + extra + [files.cert]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func issuedCertificatesVerifyForTheirNamesOnly() throws {
        let authority = try CertificateAuthority()
        let issued = try authority.issueServer(names: ["127.0.0.1", "localhost"])
        #expect(authority.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(issued.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(issued.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let files = try Files(authority: authority, issued: issued)
        defer { files.remove() }
        #expect(try Self.handshake(caFile: files.ca, serverName: "127.0.0.1", files: files) == nil)
        #expect(try Self.handshake(caFile: files.ca, serverName: "localhost", files: files) == nil)
        let mismatch = try #require(try Self.handshake(caFile: files.ca, serverName: "10.0.0.5", files: files))
        #expect(mismatch == "tls-handshake: the server's certificate /CN=127.0.0.1 does not name 10.0.0.5")
        #expect(try Self.opensslVerifies(files))
        #expect(try Self.opensslVerifies(files, extra: ["-verify_ip", "127.0.0.1"]))
        #expect(try !Self.opensslVerifies(files, extra: ["-verify_hostname", "example.com"]))
    }

    @Test func anotherRunsCAIsRefused() throws {
        let authority = try CertificateAuthority()
        let other = try CertificateAuthority()
        #expect(authority.commonName != other.commonName)
        #expect(authority.certificatePEM != other.certificatePEM)
        let files = try Files(authority: other, issued: try authority.issueServer(names: ["127.0.0.1"]))
        defer { files.remove() }
        let failure = try #require(try Self.handshake(caFile: files.ca, serverName: "127.0.0.1", files: files))
        #expect(failure.hasPrefix("tls-handshake: the server's certificate /CN=127.0.0.1 issued by /CN=\(authority.commonName)"))
        #expect(failure.contains("does not verify"))
        #expect(try !Self.opensslVerifies(files))
    }

    @Test func eachServerGetsItsOwnKey() throws {
        let authority = try CertificateAuthority()
        let first = try authority.issueServer(names: ["127.0.0.1"])
        let second = try authority.issueServer(names: ["127.0.0.1"])
        #expect(first.privateKeyPEM != second.privateKeyPEM)
        #expect(first.certificatePEM != second.certificatePEM)
        #expect(throws: TLSSetupError.self) { try authority.issueServer(names: []) }
    }
}
