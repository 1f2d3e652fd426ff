import Foundation

/// A CA and a server certificate made with Debian's `openssl` for one test, in a fresh
/// temporary folder: nothing fixed in the repository.
struct TestCertificates {
    let folder: URL
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var serverCert: String { folder.appendingPathComponent("server.pem").path }
    var serverKey: String { folder.appendingPathComponent("server.key").path }

    /// A CA named `caName` and a server certificate for `names` (DNS names or IP addresses) it signed.
    init(caName: String = "Barrage Test CA", names: [String] = ["localhost", "127.0.0.1"]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("barrage-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let san = names.map { $0.first!.isNumber || $0.contains(":") ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        try Self.openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=\(caName)", "-keyout", folder.appendingPathComponent("ca.key").path, "-out", caFile)
        try Self.openssl(
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(names[0])",
            "-keyout", serverKey, "-out", folder.appendingPathComponent("server.csr").path)
        let extensions = folder.appendingPathComponent("server.ext")
        try "subjectAltName=\(san)\n".write(to: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(
            "x509", "-req", "-in", folder.appendingPathComponent("server.csr").path, "-CA", caFile, "-CAkey",
            folder.appendingPathComponent("ca.key").path, "-CAcreateserial", "-days", "1", "-extfile", extensions.path,
            "-out", serverCert)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private static func openssl(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments) failed"])
        }
    }
}
