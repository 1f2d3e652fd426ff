import Foundation
import ProtoSchema
import TLSSettings
import Topology

/// A topology's `tls: { ca, cert, key }` read into the text the client workers carry: the
/// workers may run on other hosts, where the topology's paths mean nothing. I/O, so it sits in
/// the CLI beside `TopologyLoader`, before anything starts; each problem is a `FILE:LINE:COLUMN`
/// diagnostic at the path that caused it.
enum TLSFileReader {
    /// PEM files larger than this are the wrong file (a CA bundle is ~200 KiB).
    static let maximumBytes = 4 << 20

    /// The files of `settings` read; paths relative to `folder` unless absolute. `file` names
    /// the topology, `locations` where each path was written (`ca`, `cert`, `key`).
    static func read(
        _ settings: TLSClientSettings, locations: [String: SourceLocation], file: String, folder: String
    ) -> Result<TLSClientPEM, TopologyErrors> {
        var problems: [TopologyDiagnostic] = []
        func contents(_ key: String, _ path: String?, marker: String) -> String? {
            guard let path else { return nil }
            let location = locations[key] ?? SourceLocation(line: 1, column: 1)
            let resolved = ServiceCompilation.resolve(path, in: folder)
            func problem(_ why: String) -> String? {
                problems.append(ServiceCompilation.diagnostic("tls \(key) \(path): \(why)", at: location, in: file))
                return nil
            }
            guard let data = FileManager.default.contents(atPath: resolved) else {
                return problem("no such file, or it cannot be read")
            }
            guard data.count <= maximumBytes else { return problem("\(data.count) bytes: not a PEM file") }
            let text = String(decoding: data, as: UTF8.self)
            guard text.contains("-----BEGIN ") && text.contains(marker) else {
                return problem("not PEM: it holds no '-----BEGIN …\(marker)' block")
            }
            return text
        }
        let authority = contents("ca", settings.caFile, marker: "CERTIFICATE-----")
        let certificate = contents("cert", settings.certFile, marker: "CERTIFICATE-----")
        let key = contents("key", settings.keyFile, marker: "PRIVATE KEY-----")
        guard problems.isEmpty else { return .failure(TopologyErrors(diagnostics: problems)) }
        let pair = certificate.flatMap { certificate in
            key.map { IssuedCertificate(certificatePEM: certificate, privateKeyPEM: $0) }
        }
        return .success(TLSClientPEM(authorityPEM: authority, certificate: pair))
    }
}
