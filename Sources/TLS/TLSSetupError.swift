/// Why a TLS context could not be built: a file that does not load, or a key that does not
/// fit its certificate. The words name the file and carry OpenSSL's reason.
public struct TLSSetupError: Error, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
